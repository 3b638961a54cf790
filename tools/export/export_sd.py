#!/usr/bin/env python3
"""Exports a diffusers Stable Diffusion model folder (SD 1.x, SD 2.x, SDXL) as a sampler4j model folder.

    python3 tools/export/export_sd.py DIFFUSERS_FOLDER OUT_FOLDER [--name NAME] [--height PX --width PX]

DIFFUSERS_FOLDER is what ``StableDiffusionPipeline.save_pretrained`` (or a Hugging Face snapshot) holds:
model_index.json, unet/, vae/, text_encoder/ (+ text_encoder_2/), tokenizer/ (+ tokenizer_2/), scheduler/.
OUT_FOLDER receives unet.pt, text_encoder.pt (+ text_encoder_2.pt), vae_decoder.pt, vae_encoder.pt (TorchScript,
float32, traced on the CPU), the tokenizer folders, the configs and model.yaml. The UNet is traced at the model's
default size (or --height/--width) with a float timestep; convolutional UNets usually run at other sizes too.

Needs (not available on sampler4j's build machines, which have no PyPI): torch >= 1.13 (2.x recommended),
diffusers >= 0.27 (the golden files were made with diffusers commit 58eb52c0), transformers >= 4.38. Exported files
load in DJL 0.36 (libtorch 2.7.1). Run the torch-only parts' tests with: /usr/bin/python3 -m unittest discover tools/export
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sdexport import layout  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="diffusers model folder")
    ap.add_argument("out", help="sampler4j model folder to write")
    ap.add_argument("--name", help="display name (default: the source folder's name)")
    ap.add_argument("--height", type=int, help="image height the UNet is traced at (default: the model's)")
    ap.add_argument("--width", type=int, help="image width the UNet is traced at (default: the model's)")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.src):
        ap.error("no such folder: %s" % a.src)

    import torch
    from sdexport import wrappers
    try:
        from diffusers import AutoencoderKL, UNet2DConditionModel
        from transformers import CLIPTextModel, CLIPTextModelWithProjection
    except ImportError as e:
        sys.exit("export needs diffusers and transformers (pip install diffusers transformers): %s" % e)

    info = layout.write_folder(a.src, a.out, a.name, a.height, a.width)
    xl = info["kind"] == "sdxl"
    f32 = torch.float32
    encoders = [CLIPTextModel.from_pretrained(os.path.join(a.src, "text_encoder"), torch_dtype=f32)]
    if xl:
        encoders.append(CLIPTextModelWithProjection.from_pretrained(os.path.join(a.src, "text_encoder_2"), torch_dtype=f32))
    ids = torch.zeros(1, layout.TOKENS, dtype=torch.long)
    widths, pooled = [], None
    for i, enc in enumerate(encoders):
        out = wrappers.trace(wrappers.TextEncoder(enc), (ids,), os.path.join(a.out, "text_encoder%s.pt" % ("" if i == 0 else "_2")))
        widths.append(out[0].shape[-1])
        pooled = out[1].shape[-1]
        print("text encoder %d: hidden %s, pooled %s, %d hidden states" % (i + 1, tuple(out[0].shape), tuple(out[1].shape), out[2].shape[0]))
    unet = UNet2DConditionModel.from_pretrained(os.path.join(a.src, "unet"), torch_dtype=f32)
    c, h, w = info["channels"], info["height"], info["width"]
    b = 2  # the conditional and unconditional halves of classifier-free guidance
    inputs = [torch.randn(b, c, h, w), torch.tensor(999.0), torch.randn(b, layout.TOKENS, sum(widths) if xl else widths[0])]
    if xl:
        inputs += [torch.randn(b, pooled), torch.tensor([[h * info["scale"], w * info["scale"], 0, 0, h * info["scale"], w * info["scale"]]] * b, dtype=f32)]
    wrappers.trace(wrappers.UNet(unet, xl), tuple(inputs), os.path.join(a.out, "unet.pt"))
    vae = AutoencoderKL.from_pretrained(os.path.join(a.src, "vae"), torch_dtype=f32)
    wrappers.trace(wrappers.VaeDecoder(vae), (torch.randn(1, c, h, w),), os.path.join(a.out, "vae_decoder.pt"))
    wrappers.trace(wrappers.VaeEncoder(vae), (torch.rand(1, 3, h * info["scale"], w * info["scale"]) * 2 - 1,), os.path.join(a.out, "vae_encoder.pt"))
    print("wrote %s (%s): try  bin/sampler4j run --model %s --prompt 'a photo of a cat'" % (a.out, info["kind"], a.out))


if __name__ == "__main__":
    main()
