"""The sampler4j model folder: which files go where, and the model.yaml descriptor (no torch, no diffusers)."""
import json
import os
import shutil

TOKENS = 77


def read_json(path):
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def detect_kind(src):
    """'sdxl' when the diffusers folder has a second text encoder (model_index.json or text_encoder_2/), else 'sd'."""
    index = read_json(os.path.join(src, "model_index.json")) or {}
    if "text_encoder_2" in index and index.get("text_encoder_2") and index["text_encoder_2"][0] is not None:
        return "sdxl"
    return "sdxl" if os.path.isdir(os.path.join(src, "text_encoder_2")) else "sd"


def pad_of(tokenizer_dir, default):
    """'zero' when the tokenizer's pad token is '!' (SD 2.x, SDXL's second), 'eos' when it is <|endoftext|>."""
    special = read_json(os.path.join(tokenizer_dir, "special_tokens_map.json")) or {}
    pad = special.get("pad_token")
    if isinstance(pad, dict):
        pad = pad.get("content")
    if pad == "!":
        return "zero"
    if pad == "<|endoftext|>":
        return "eos"
    return default


def latent_shape(src, height=None, width=None):
    """(channels, latent height, latent width, vae scale factor) from unet/config.json and vae/config.json."""
    unet = read_json(os.path.join(src, "unet", "config.json")) or {}
    vae = read_json(os.path.join(src, "vae", "config.json")) or {}
    scale = 2 ** (len(vae.get("block_out_channels", [0, 0, 0, 0])) - 1)
    size = unet.get("sample_size", 64)
    size = size if isinstance(size, int) else size[0]
    h = height // scale if height else size
    w = width // scale if width else size
    return unet.get("in_channels", 4), h, w, scale


def descriptor(kind, name, channels, height, width, scale, scaling_factor, shift_factor, pads, prediction=None,
               force_zeros=None, default_schedule=None):
    """The model.yaml text (sampler4j's SdDescriptor) for an exported folder."""
    lines = [
        "# written by tools/export/export_sd.py",
        "kind: %s" % kind,
        "name: %s" % json.dumps(name),
        "unet: unet.pt",
        "scheduler_config: scheduler/scheduler_config.json",
    ]
    if prediction:
        lines.append("prediction: %s" % prediction)
    lines.append("text_encoders:")
    for i, pad in enumerate(pads):
        suffix = "" if i == 0 else "_%d" % (i + 1)
        lines.append("  - {file: text_encoder%s.pt, tokenizer: tokenizer%s, pad: %s}" % (suffix, suffix, pad))
    lines.append("latent: {channels: %d, height: %d, width: %d}" % (channels, height, width))
    vae = "vae: {decoder: vae_decoder.pt, encoder: vae_encoder.pt, scaling_factor: %r, scale_factor: %d" % (float(scaling_factor), scale)
    if shift_factor is not None:
        vae += ", shift_factor: %r" % float(shift_factor)
    lines.append(vae + "}")
    if force_zeros is not None:
        lines.append("force_zeros_for_empty_prompt: %s" % ("true" if force_zeros else "false"))
    if default_schedule:
        lines.append("default_schedule: %s" % json.dumps(default_schedule))
    return "\n".join(lines) + "\n"


def copy_configs(src, out, kind):
    """Copies the tokenizer folders, the scheduler config, the VAE/UNet configs and model_index.json."""
    names = ["tokenizer"] + (["tokenizer_2"] if kind == "sdxl" else [])
    for t in names:
        if not os.path.isfile(os.path.join(src, t, "vocab.json")):
            raise SystemExit("%s has no %s/vocab.json: export needs the diffusers tokenizer folder(s)" % (src, t))
        shutil.copytree(os.path.join(src, t), os.path.join(out, t), dirs_exist_ok=True)
    for sub in ["scheduler", "vae", "unet"]:
        os.makedirs(os.path.join(out, sub), exist_ok=True)
        name = "scheduler_config.json" if sub == "scheduler" else "config.json"
        f = os.path.join(src, sub, name)
        if not os.path.isfile(f):
            raise SystemExit("%s is missing: give a diffusers model folder (as saved by save_pretrained)" % f)
        shutil.copy(f, os.path.join(out, sub, name))
    if os.path.isfile(os.path.join(src, "model_index.json")):
        shutil.copy(os.path.join(src, "model_index.json"), os.path.join(out, "model_index.json"))
    return names


def write_folder(src, out, name=None, height=None, width=None):
    """Lays out ``out`` from the diffusers folder ``src`` (everything but the TorchScript files) and writes model.yaml.

    Returns a dict with kind, shapes and pads that the tracing step needs."""
    os.makedirs(out, exist_ok=True)
    kind = detect_kind(src)
    toks = copy_configs(src, out, kind)
    channels, h, w, scale = latent_shape(src, height, width)
    vae = read_json(os.path.join(src, "vae", "config.json")) or {}
    index = read_json(os.path.join(src, "model_index.json")) or {}
    sched = read_json(os.path.join(src, "scheduler", "scheduler_config.json")) or {}
    pads = [pad_of(os.path.join(src, t), "eos" if i == 0 else "zero") for i, t in enumerate(toks)]
    text = descriptor(kind, name or os.path.basename(os.path.normpath(src)), channels, h, w, scale, vae.get("scaling_factor", 0.18215),
                      vae.get("shift_factor"), pads, prediction=sched.get("prediction_type"),
                      force_zeros=index.get("force_zeros_for_empty_prompt") if kind == "sdxl" else None)
    with open(os.path.join(out, "model.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    return {"kind": kind, "channels": channels, "height": h, "width": w, "scale": scale, "pads": pads, "tokenizers": toks}
