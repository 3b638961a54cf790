"""Tracing wrappers: each turns one diffusers/transformers module into the TorchScript signature sampler4j calls.

They depend on torch only and on the modules' call conventions (duck typing), so they are tested here on small
plain-torch stand-ins (test_export.py) and used on the real classes by export_sd.py.

Signatures (all float32; B = batch):
  unet.pt          forward(sample [B,C,h,w], timestep [] float, encoder_hidden_states [B,77,D]
                           [, text_embeds [B,P], time_ids [B,6]])  -> prediction [B,C,h,w]
  text_encoder.pt  forward(input_ids int64 [B,77]) -> (last_hidden_state [B,77,D], pooled [B,P],
                           hidden_states [L+1,B,77,D] (embeddings and each layer, before the final LayerNorm),
                           normed_hidden_states [L+1,B,77,D] (the same through the final LayerNorm: SD's clip skip))
  vae_decoder.pt   forward(z [B,C,h,w]) -> image [B,3,H,W] in [-1, 1]     (z = latents / scaling_factor + shift)
  vae_encoder.pt   forward(image [B,3,H,W] in [-1, 1]) -> moments [B,2C,h,w] (mean, logvar)
"""
import torch
import torch.nn as nn


class UNet(nn.Module):
    """diffusers' UNet2DConditionModel with positional inputs and a float scalar timestep."""

    def __init__(self, unet, xl):
        super().__init__()
        self.unet = unet
        self.xl = xl

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None):
        if self.xl:
            added = {"text_embeds": text_embeds, "time_ids": time_ids}
            return self.unet(sample, timestep, encoder_hidden_states=encoder_hidden_states, added_cond_kwargs=added, return_dict=False)[0]
        return self.unet(sample, timestep, encoder_hidden_states=encoder_hidden_states, return_dict=False)[0]


def _final_layer_norm(encoder):
    text_model = getattr(encoder, "text_model", encoder)
    return text_model.final_layer_norm


class TextEncoder(nn.Module):
    """transformers' CLIPTextModel / CLIPTextModelWithProjection returning every hidden state and the pooled output."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.final_layer_norm = _final_layer_norm(encoder)

    def forward(self, input_ids):
        out = self.encoder(input_ids, output_hidden_states=True, return_dict=True)
        pooled = out.text_embeds if hasattr(out, "text_embeds") and out.text_embeds is not None else out.pooler_output
        states = torch.stack(list(out.hidden_states), dim=0)
        last = out.last_hidden_state
        normed = torch.stack([self.final_layer_norm(h) for h in out.hidden_states], dim=0)
        return last, pooled, states, normed


class VaeDecoder(nn.Module):
    """AutoencoderKL.decode: latents already divided by the scaling factor (and shifted) by the caller."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, z):
        return self.vae.decode(z, return_dict=False)[0]


class VaeEncoder(nn.Module):
    """AutoencoderKL.encode: the latent distribution's moments (mean, logvar) on the channel axis."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, image):
        return self.vae.encode(image, return_dict=False)[0].parameters


def trace(module, example_inputs, path):
    """Traces ``module`` in eval mode on ``example_inputs`` (a tuple) and saves it to ``path``; returns the outputs."""
    module = module.eval()
    with torch.no_grad():
        traced = torch.jit.trace(module, example_inputs, check_trace=False, strict=False)
        traced.save(path)
        return traced(*example_inputs)
