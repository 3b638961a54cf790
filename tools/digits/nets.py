"""The networks of the digits model: a small class-conditional UNet (v-prediction) and the evaluation classifier."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of float timesteps [B] -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, with the embedding as a per-channel scale and shift after the second norm."""

    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(e)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return self.skip(x) + h


class DigitsUNet(nn.Module):
    """A class-conditional UNet on 1x28x28 (28 -> 14 -> 7 and back, skips by concatenation).

    forward(sample [B,1,28,28], timestep [B] float, class_labels [B] int64) -> v prediction [B,1,28,28].
    Class index `classes` is the null class used for classifier-free guidance.
    """

    def __init__(self, widths=(32, 64, 96), classes=10, emb=128):
        super().__init__()
        c0, c1, c2 = widths
        self.tdim = emb // 4
        self.t_mlp = nn.Sequential(nn.Linear(self.tdim, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.class_emb = nn.Embedding(classes + 1, emb)
        self.conv_in = nn.Conv2d(1, c0, 3, padding=1)
        self.d0 = ResBlock(c0, c0, emb)
        self.down0 = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.d1 = ResBlock(c1, c1, emb)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.m0 = ResBlock(c2, c2, emb)
        self.m1 = ResBlock(c2, c2, emb)
        self.up1 = nn.Conv2d(c2, c1, 3, padding=1)
        self.u1 = ResBlock(2 * c1, c1, emb)
        self.up0 = nn.Conv2d(c1, c0, 3, padding=1)
        self.u0 = ResBlock(2 * c0, c0, emb)
        self.norm_out = nn.GroupNorm(8, c0)
        self.conv_out = nn.Conv2d(c0, 1, 3, padding=1)

    def forward(self, sample, timestep, class_labels):
        e = self.t_mlp(timestep_embedding(timestep, self.tdim)) + self.class_emb(class_labels)
        e = F.silu(e)
        h0 = self.d0(self.conv_in(sample), e)
        h1 = self.d1(self.down0(h0), e)
        h = self.down1(h1)
        h = self.m1(self.m0(h, e), e)
        h = self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.u1(torch.cat([h, h1], dim=1), e)
        h = self.up0(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.u0(torch.cat([h, h0], dim=1), e)
        return self.conv_out(F.silu(self.norm_out(h)))


class DigitsClassifier(nn.Module):
    """A small CNN on 1x28x28 images in [0, 1]: forward(images) -> (logits [B,10], features [B,64]).

    The features (the penultimate layer, after its ReLU) are what the Frechet distance compares.
    """

    def __init__(self, classes=10, features=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 7 * 7, features), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, classes))

    def forward(self, images):
        f = self.body(images)
        return self.head(f), f
