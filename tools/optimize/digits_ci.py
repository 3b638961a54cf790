#!/usr/bin/env python3
"""Fréchet distance and accuracy per schedule over eval blocks (block*.json, one eval per seed block), with 95%
confidence intervals (Student t over blocks) of each schedule's mean and of its paired difference to the best
built-in schedule.

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
blocks = sorted(set.intersection(*(set(v) for v in fd.values())))
best = min(builtin, key=lambda s: statistics.mean(fd[s][b] for b in blocks))
print(f"{len(blocks)} blocks of seeds {blocks}; best built-in by mean Frechet: {best}")
print()
print("| schedule | accuracy | Frechet (95% CI) | difference to the best built-in (95% CI) |")
print("| --- | ---: | ---: | ---: |")
for s in fd:
    m, h = ci([fd[s][b] for b in blocks])
    a = statistics.mean(acc[s][b] for b in blocks)
    dm, dh = ci([fd[s][b] - fd[best][b] for b in blocks])
    diff = "-" if s == best else f"{dm:+.2f} ± {dh:.2f}"
    print(f"| `{s}` | {a:.3f} | {m:.2f} ± {h:.2f} | {diff} |")
