"""Tests of the export parts that need no diffusers: file layout, model.yaml, and the tracing wrappers on small
plain-torch stand-ins with diffusers' and transformers' call conventions.

    /usr/bin/python3 -m unittest discover tools/export        (Debian's python3-torch 1.13 is enough)
"""
import json
import os
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sdexport import layout  # noqa: E402


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def fake_diffusers_folder(root, xl):
    write(os.path.join(root, "model_index.json"), {"_class_name": "StableDiffusionXLPipeline" if xl else "StableDiffusionPipeline",
                                                   "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"] if xl else [None, None],
                                                   "force_zeros_for_empty_prompt": True})
    write(os.path.join(root, "unet", "config.json"), {"in_channels": 4, "sample_size": 128 if xl else 64})
    write(os.path.join(root, "vae", "config.json"), {"block_out_channels": [128, 256, 512, 512], "scaling_factor": 0.13025 if xl else 0.18215})
    write(os.path.join(root, "scheduler", "scheduler_config.json"), {"_class_name": "EulerDiscreteScheduler", "prediction_type": "epsilon"})
    for t, pad in [("tokenizer", "<|endoftext|>")] + ([("tokenizer_2", "!")] if xl else []):
        write(os.path.join(root, t, "vocab.json"), {"!": 0, "<|startoftext|>": 49406, "<|endoftext|>": 49407})
        write(os.path.join(root, t, "merges.txt"), "#version: 0.2\n")
        write(os.path.join(root, t, "special_tokens_map.json"), {"pad_token": pad})


class LayoutTest(unittest.TestCase):
    def test_sdxl_folder_and_descriptor(self):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "src"), os.path.join(d, "out")
            fake_diffusers_folder(src, xl=True)
            info = layout.write_folder(src, out, name="my-sdxl")
            self.assertEqual(info["kind"], "sdxl")
            self.assertEqual((info["channels"], info["height"], info["width"], info["scale"]), (4, 128, 128, 8))
            self.assertEqual(info["pads"], ["eos", "zero"])
            for f in ["tokenizer/vocab.json", "tokenizer_2/merges.txt", "scheduler/scheduler_config.json", "vae/config.json", "unet/config.json", "model_index.json"]:
                self.assertTrue(os.path.isfile(os.path.join(out, f)), f)
            text = read(os.path.join(out, "model.yaml"))
            self.assertIn("kind: sdxl\n", text)
            self.assertIn("  - {file: text_encoder_2.pt, tokenizer: tokenizer_2, pad: zero}\n", text)
            self.assertIn("latent: {channels: 4, height: 128, width: 128}\n", text)
            self.assertIn("scaling_factor: 0.13025, scale_factor: 8}", text)
            self.assertIn("force_zeros_for_empty_prompt: true\n", text)

    def test_sd_folder_at_another_size(self):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "src"), os.path.join(d, "out")
            fake_diffusers_folder(src, xl=False)
            info = layout.write_folder(src, out, height=768, width=512)
            self.assertEqual((info["kind"], info["height"], info["width"], info["pads"]), ("sd", 96, 64, ["eos"]))
            text = read(os.path.join(out, "model.yaml"))
            self.assertNotIn("text_encoder_2", text)
            self.assertNotIn("force_zeros", text)
            self.assertIn("prediction: epsilon\n", text)

    def test_missing_tokenizer_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "src")
            fake_diffusers_folder(src, xl=False)
            os.remove(os.path.join(src, "tokenizer", "vocab.json"))
            with self.assertRaises(SystemExit) as e:
                layout.write_folder(src, os.path.join(d, "out"))
            self.assertIn("tokenizer/vocab.json", str(e.exception))


try:
    import torch
    import torch.nn as nn
except ImportError:  # pragma: no cover
    torch = None


@unittest.skipIf(torch is None, "needs torch (apt-get install python3-torch)")
class WrapperTest(unittest.TestCase):
    def test_unet_takes_a_float_timestep(self):
        from sdexport import wrappers

        class FakeUNet(nn.Module):  # diffusers' call convention
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(4, 4, 3, padding=1)
                self.proj = nn.Linear(6 + 8, 4)

            def forward(self, sample, timestep, encoder_hidden_states=None, added_cond_kwargs=None, return_dict=True):
                t = torch.sin(timestep * 0.01) * torch.ones(sample.shape[0])
                extra = torch.cat([added_cond_kwargs["time_ids"], added_cond_kwargs["text_embeds"]], dim=1)
                h = self.conv(sample) + t[:, None, None, None] + encoder_hidden_states.mean(dim=(1, 2))[:, None, None, None]
                return (h + self.proj(extra)[:, :, None, None],)

        torch.manual_seed(0)
        m = wrappers.UNet(FakeUNet(), xl=True)
        args = (torch.randn(2, 4, 8, 8), torch.tensor(999.0), torch.randn(2, 77, 16), torch.randn(2, 8), torch.randn(2, 6))
        with tempfile.TemporaryDirectory() as d:
            wrappers.trace(m, args, os.path.join(d, "unet.pt"))
            traced = torch.jit.load(os.path.join(d, "unet.pt"))
            other = (args[0], torch.tensor(412.75)) + args[2:]
            self.assertTrue(torch.allclose(traced(*other), m(*other), atol=1e-6), "the traced timestep must stay an input")

    def test_text_encoder_returns_all_hidden_states(self):
        from sdexport import wrappers

        class FakeClip(nn.Module):  # transformers' call convention
            def __init__(self, projection):
                super().__init__()
                self.embed = nn.Embedding(50000, 8)
                self.layers = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8)])
                self.text_model = types.SimpleNamespace(final_layer_norm=nn.LayerNorm(8))
                self.ln = self.text_model.final_layer_norm
                self.projection = nn.Linear(8, 4) if projection else None

            def forward(self, input_ids, output_hidden_states=False, return_dict=True):
                h = self.embed(input_ids)
                states = [h]
                for layer in self.layers:
                    h = torch.tanh(layer(h))
                    states.append(h)
                last = self.ln(h)
                pooled = last[torch.arange(last.shape[0]), input_ids.argmax(dim=-1)]
                out = types.SimpleNamespace(last_hidden_state=last, hidden_states=tuple(states), pooler_output=pooled)
                if self.projection is not None:
                    out.text_embeds = self.projection(pooled)
                return out

        torch.manual_seed(0)
        ids = torch.tensor([[49406, 320, 1125, 49407] + [49407] * 73])
        for projection, pooled_width in [(False, 8), (True, 4)]:
            enc = FakeClip(projection)
            with tempfile.TemporaryDirectory() as d:
                wrappers.trace(wrappers.TextEncoder(enc), (torch.zeros(1, 77, dtype=torch.long),), os.path.join(d, "te.pt"))
                last, pooled, states, normed = torch.jit.load(os.path.join(d, "te.pt"))(ids)
            self.assertEqual(tuple(states.shape), (3, 1, 77, 8))
            self.assertEqual(pooled.shape[-1], pooled_width)
            self.assertTrue(torch.allclose(normed[-1], last, atol=1e-6), "the last normed state is last_hidden_state")
            self.assertTrue(torch.allclose(normed[1], enc.ln(states[1]), atol=1e-6))

    def test_vae_wrappers(self):
        from sdexport import wrappers

        class FakeVae(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = nn.Conv2d(3, 8, 2, stride=2)
                self.dec = nn.ConvTranspose2d(4, 3, 2, stride=2)

            def encode(self, x, return_dict=True):
                return (types.SimpleNamespace(parameters=self.enc(x)),)

            def decode(self, z, return_dict=True):
                return (torch.tanh(self.dec(z)),)

        vae = FakeVae()
        with tempfile.TemporaryDirectory() as d:
            moments = wrappers.trace(wrappers.VaeEncoder(vae), (torch.rand(1, 3, 16, 16) * 2 - 1,), os.path.join(d, "e.pt"))
            image = wrappers.trace(wrappers.VaeDecoder(vae), (torch.randn(1, 4, 8, 8),), os.path.join(d, "d.pt"))
        self.assertEqual(tuple(moments.shape), (1, 8, 8, 8))
        self.assertEqual(tuple(image.shape), (1, 3, 16, 16))


if __name__ == "__main__":
    unittest.main()
