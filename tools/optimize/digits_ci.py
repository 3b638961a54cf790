#!/usr/bin/env python3
"""Fréchet distance and accuracy per schedule over eval blocks (block*.json, one eval per seed block), with 95%
confidence intervals (Student t over blocks) of each schedule's mean and of its paired differences to the best
built-in schedule and to the template (the first schedule evaluated).

    python3 tools/optimize/digits_ci.py out/optimize/digits
"""
import glob
import json
import math
import os
import statistics
import sys

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
d = sys.argv[1]
fd = {}
acc = {}
for f in sorted(glob.glob(os.path.join(d, "*block*.json"))):
    try:
        doc = json.load(open(f))
    except ValueError:
        continue
    block = doc["settings"]["seed"]
    for r in doc["rows"]:
        fd.setdefault(r["schedule"], {})[block] = r["frechet"]
        acc.setdefault(r["schedule"], {})[block] = r["accuracy"]


def ci(values):
    n = len(values)
    m = statistics.mean(values)
    if n < 2:
        return m, float("nan")
    return m, T975[n - 1] * statistics.stdev(values) / math.sqrt(n)


builtin = [s for s in fd if "file:" not in s]
blocks = sorted(set.union(*(set(v) for v in fd.values())))
# the best built-in by mean over the blocks it was measured on, among those measured on the most blocks
most = max(len(fd[s]) for s in builtin)
best = min((s for s in builtin if len(fd[s]) == most), key=lambda s: statistics.mean(fd[s].values()))
print(f"blocks of seeds {blocks}; best built-in by mean Frechet: {best}")
print()
template = builtin[0]  # the first schedule of the eval: the template the fits started from
print(f"| schedule | blocks | accuracy | Frechet (95% CI) | paired difference to the best built-in (95% CI) | paired difference to `{template}` |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for s in fd:
    bs = sorted(fd[s])
    m, h = ci([fd[s][b] for b in bs])
    a = statistics.mean(acc[s][b] for b in bs)
    common = [b for b in bs if b in fd[best]]
    dm, dh = ci([fd[s][b] - fd[best][b] for b in common])
    diff = "-" if s == best else f"{dm:+.2f} ± {dh:.2f}"
    tm, th = ci([fd[s][b] - fd[template][b] for b in bs if b in fd[template]])
    tdiff = "-" if s == template else f"{tm:+.2f} ± {th:.2f}"
    print(f"| `{s}` | {len(bs)} | {a:.3f} | {m:.2f} ± {h:.2f} | {diff} | {tdiff} |")
