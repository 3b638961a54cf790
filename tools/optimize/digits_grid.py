#!/usr/bin/env python3
"""Markdown tables of tools/optimize/digits_grid.sh's output: per sampler, the Frechet distance (mean and 95% CI over
the seed blocks) and class accuracy of every schedule at 4, 6, 8 and 10 NFE; the paired difference of each fitted
schedule to the best built-in schedule of its cell; and the fitting times.

    python3 tools/optimize/digits_grid.py out/optimize/digits-grid
"""
import glob
import json
import math
import os
import re
import statistics
import sys

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
d = sys.argv[1]
SAMPLERS = ["euler", "dpmpp_2m", "dpmpp_2m_sde"]
NFES = [4, 6, 8, 10]


def ci(values):
    m = statistics.mean(values)
    if len(values) < 2:
        return m, float("nan")
    return m, T975[len(values) - 1] * statistics.stdev(values) / math.sqrt(len(values))


def label(schedule):
    m = re.match(r"preset\(file:.*-(gits|frechet)\.json, \d+\)", schedule)
    if m:
        return "fitted `" + m.group(1) + "`"
    return "`" + re.sub(r"^(preset\([^,]+, |[a-z]+\()\d+", r"\1n", schedule) + "`"


cells = {}  # (sampler, nfe) -> {label: {block: (frechet, accuracy)}}
order = []
for s in SAMPLERS:
    for n in NFES:
        for f in sorted(glob.glob(os.path.join(d, f"{s}-{n}-block*.json"))):
            try:
                doc = json.load(open(f))
            except ValueError:
                continue
            b = doc["settings"]["seed"]
            for r in doc["rows"]:
                lab = label(r["schedule"])
                if lab not in order:
                    order.append(lab)
                cells.setdefault((s, n), {}).setdefault(lab, {})[b] = (r["frechet"], r["accuracy"])

blocks = sorted({b for c in cells.values() for v in c.values() for b in v})
print(f"blocks (first seeds): {blocks}; cells: Frechet distance mean ± 95% CI (Student t over blocks) / class accuracy; bold: lowest mean of the cell")
print()
best_builtin = {}
for s in SAMPLERS:
    if not any((s, n) in cells for n in NFES):
        continue
    print(f"**{s}**")
    print()
    print("| schedule | " + " | ".join(f"{n} NFE" for n in NFES) + " |")
    print("| --- | " + " | ".join("---:" for _ in NFES) + " |")
    lowest = {}
    for n in NFES:
        c = cells.get((s, n), {})
        full = {k: v for k, v in c.items() if len(v) == len(blocks)}
        if full:
            lowest[n] = min(full, key=lambda k: statistics.mean(x[0] for x in full[k].values()))
            builtin = [k for k in full if not k.startswith("fitted")]
            if builtin:
                best_builtin[(s, n)] = min(builtin, key=lambda k: statistics.mean(x[0] for x in full[k].values()))
    for lab in order:
        row = []
        for n in NFES:
            v = cells.get((s, n), {}).get(lab)
            if not v:
                row.append("")
                continue
            m, h = ci([x[0] for x in v.values()])
            a = statistics.mean(x[1] for x in v.values())
            text = f"{m:.2f} ± {h:.2f} / {a:.3f}"
            if len(v) < len(blocks):
                text += f" ({len(v)} blocks)"
            row.append(f"**{text}**" if lowest.get(n) == lab else text)
        print(f"| {lab} | " + " | ".join(row) + " |")
    print()

def table(title, key, rows):
    """A table with one row per (sampler, key) and one column per NFE; rows(s, k, n) gives a cell's text or ""."""
    print(title)
    print()
    print(f"| sampler | {key[0]} | " + " | ".join(f"{n} NFE" for n in NFES) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in NFES) + " |")
    for s in SAMPLERS:
        for k in key[1]:
            row = [rows(s, k, n) for n in NFES]
            if any(row):
                print(f"| {s} | {k} | " + " | ".join(row) + " |")
    print()


def paired(s, fit, n):
    c = cells.get((s, n), {})
    bb = best_builtin.get((s, n))
    if bb is None or fit not in c:
        return ""
    m, h = ci([c[fit][b][0] - c[bb][b][0] for b in c[fit] if b in c[bb]])
    return f"{m:+.2f} ± {h:.2f} vs {bb}"


def seconds(s, m, n):
    f = os.path.join(d, f"{s}-{n}-{m}.json")
    return f"{json.load(open(f))['seconds']:.0f}" if os.path.exists(f) else ""


table("Paired difference in Frechet distance (same seeds), fitted minus the best built-in schedule of the cell, 95% CI:",
      ("fitted", ("fitted `gits`", "fitted `frechet`")), paired)
table("Fitting time (seconds from the optimizer's start to the preset, `seconds` in the preset file; one libtorch thread each, two fits at a time):",
      ("method", ("gits", "frechet")), seconds)
