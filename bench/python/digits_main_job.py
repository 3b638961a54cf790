#!/usr/bin/env python3
"""The README's main job written directly in Python + PyTorch, for a wall-time comparison with
`bin/sampler4j run examples/recipes/digits.yaml` (issue 17: start-up). Same work: the digits TorchScript network,
dpmpp_2m (DPM-Solver++(2M), k-diffusion's sample_dpmpp_2m) on trailing(30).zeroSnr() sigmas, v-prediction,
classifier-free guidance 3 with guidance_rescale 0.7 (one batch of 20 rows per call), 10 classes, seeds 0..9,
10 PNGs and a 10-image grid. Lean on purpose (no diffusers import): a lower bound for "the Python script".
Not bit-identical to sampler4j (its noise and PNG writing differ); only the work is the same.

    time /usr/bin/python3 bench/python/digits_main_job.py models/digits/unet.pt /tmp/py-digits
"""
import os
import sys

import numpy as np
import torch
from PIL import Image

torch.set_num_threads(int(os.environ.get("SAMPLER4J_THREADS", "1")))
net = torch.jit.load(sys.argv[1]).eval()
out = sys.argv[2]
os.makedirs(out, exist_ok=True)

# sd15 betas rescaled to zero terminal SNR (Lin et al. 2024, Algorithm 1)
betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
ab = torch.cumprod(1 - betas, 0).sqrt()
ab0, abT = ab[0].clone(), ab[-1].clone()
ab = (ab - abT) * ab0 / (ab0 - abT)
ac = ab ** 2
steps = 30
ts = np.round(np.arange(1000, 0, -1000 / steps)).astype(np.int64) - 1  # trailing spacing
sig = ((1 - ac) / ac).sqrt()
sig[-1] = 4096.0  # the zero-SNR step's sigma, clamped as sampler4j does
sigmas = torch.cat([sig[torch.from_numpy(ts)], torch.zeros(1)]).float()
t_in = torch.from_numpy(ts)

classes = torch.arange(10)
x = torch.stack([torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(i)) for i in range(10)]) * sigmas[0]
labels = torch.cat([classes, torch.full((10,), 10)])
scale, rescale = 3.0, 0.7


def denoise(x, i):
    s = sigmas[i]
    xin = torch.cat([x, x]) / (s * s + 1).sqrt()
    with torch.no_grad():
        v = net(xin, t_in[i].repeat(20).float(), labels)
    cond, uncond = v[:10], v[10:]
    g = uncond + scale * (cond - uncond)
    std_c = cond.std(dim=(1, 2, 3), keepdim=True)
    std_g = g.std(dim=(1, 2, 3), keepdim=True)
    g = rescale * g * (std_c / std_g) + (1 - rescale) * g
    c_skip = 1 / (s * s + 1)
    c_out = -s / (s * s + 1).sqrt()
    return c_skip * x + c_out * g


old = None
for i in range(steps):
    d = denoise(x, i)
    s, sn = sigmas[i], sigmas[i + 1]
    if sn == 0:
        x = d
        break
    t, tn = -s.log(), -sn.log()
    h = tn - t
    if old is None:
        x = (sn / s) * x - (-h).expm1() * d
    else:
        r = (t - (-sigmas[i - 1].log())) / h
        x = (sn / s) * x - (-h).expm1() * ((1 + 1 / (2 * r)) * d - (1 / (2 * r)) * old)
    old = d

pix = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
for k in range(10):
    Image.fromarray(pix[k, 0]).save(os.path.join(out, f"digits_seed{k}.png"))
Image.fromarray(np.concatenate([pix[k, 0] for k in range(10)], axis=1)).save(os.path.join(out, "grid.png"))
print(f"wrote {out}/digits_seed0..9.png and grid.png")
