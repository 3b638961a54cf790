#!/usr/bin/env python3
"""Markdown tables of tools/optimize/gmm_table.sh's output: ODE error per sampler x schedule x NFE, and fitting times.

    python3 tools/optimize/tables.py out/optimize/gmm
"""
import glob
import json
import os
import re
import sys

d = sys.argv[1]
rows = {}
nfes = set()
samplers = []
for f in sorted(glob.glob(os.path.join(d, "eval-*.json"))):
    try:
        doc = json.load(open(f))
    except ValueError:
        continue  # still being written
    for r in doc["rows"]:
        s = r["sampler"]
        if s not in samplers:
            samplers.append(s)
        sched = r["schedule"]
        m = re.match(r"preset\(file:.*-(direct|ays|gits)\.json, (\d+)\)", sched)
        label = ("fitted: " + m.group(1)) if m else re.sub(r"^(preset\([^,]+, |[a-z]+\()\d+", r"\1n", sched)
        rows.setdefault((s, label), {})[r["nfe"]] = r["ode_error"]
        nfes.add(r["nfe"])
nfes = sorted(nfes)
order = ["linspace(n).karras()", "linspace(n).exponential()", "linspace(n).beta()", "linspace(n).polyexponential()", "preset(ays, n)",
         "preset(gits, n)", "fitted: direct", "fitted: ays", "fitted: gits"]
print("| sampler | schedule | " + " | ".join(f"{n} NFE" for n in nfes) + " |")
print("| --- | --- | " + " | ".join("---:" for _ in nfes) + " |")
for s in ["euler", "dpmpp_2m", "dpmpp_2m_sde"]:
    for label in order:
        if (s, label) not in rows:
            continue
        v = rows[(s, label)]
        best_builtin = {n: min((rows[(s, l)][n] for l in order[:6] if (s, l) in rows and n in rows[(s, l)]), default=float("nan")) for n in nfes}
        cells = []
        for n in nfes:
            x = v.get(n)
            cell = "-" if x is None else f"{x:.2e}"
            if x is not None and label.startswith("fitted"):
                cell += f" ({x / best_builtin[n]:.2g}x)"
            if x is not None and x == min(rows[(s, l)].get(n, float("inf")) for l in order if (s, l) in rows):  # best of the column
                cell = "**" + cell + "**"
            cells.append(cell)
        print(f"| {s} | `{label}` | " + " | ".join(cells) + " |")
print()
print("Fitting time (seconds, wall clock) per method:")
print()
print("| sampler | method | " + " | ".join(f"{n} NFE" for n in nfes) + " |")
print("| --- | --- | " + " | ".join("---:" for _ in nfes) + " |")
for s in samplers:
    for m in ["direct", "ays", "gits"]:
        cells = []
        for n in nfes:
            p = os.path.join(d, f"gmm-{s}-{n}-{m}.json")
            cells.append(f"{json.load(open(p))['seconds']:.0f}" if os.path.exists(p) else "-")
        print(f"| {s} | {m} | " + " | ".join(cells) + " |")
