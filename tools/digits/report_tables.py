#!/usr/bin/python3
"""Prints the JSON documents written by tools/digits/eval_report.sh as markdown tables (for EVAL_REPORT.md).

  python3 tools/digits/report_tables.py models/digits/eval/*.json            # one row per case
  python3 tools/digits/report_tables.py --pivot models/digits/eval/*.json    # one row per sampler and schedule
                                                                             # family, one column per step count
"""
import json
import sys


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(path):
    with open(path) as f:
        doc = json.load(f)
    s = doc["settings"]
    c = doc.get("classifier") or {}
    out = [f"`{path}`: guidance {s['guidance']:g}, guidance_rescale {s['guidance_rescale']:g}, {s['per_class']} per class, seed {s['seed']}"
           + (f"; real-vs-real Frechet floor {c['real_split_frechet']:.2f}" if c.get("real_split_frechet") is not None else ""),
           "",
           "| sampler | schedule | NFE | accuracy | Frechet |",
           "| --- | --- | ---: | ---: | ---: |"]
    for r in doc["rows"]:
        out.append(f"| {r['sampler']} | `{r['schedule']}` | {r['nfe']} | {fmt(r['accuracy'], '.3f')} | {fmt(r['frechet'], '.2f')} |")
    bar = doc.get("bar")
    if bar:
        b = bar["fewest_nfe"]
        out.append("")
        out.append(f"Fewest NFE reaching accuracy {bar['accuracy']:g}: " + ("none" if b is None else
                   f"{b['sampler']} `{b['schedule']}` ({b['nfe']} NFE, accuracy {b['accuracy']:.3f})"))
    return "\n".join(out)


def pivot(path):
    """Cells 'accuracy / Frechet (NFE)' with one row per sampler and series and one column per step count."""
    with open(path) as f:
        doc = json.load(f)
    s = doc["settings"]
    steps = sorted({r["steps"] for r in doc["rows"]})
    lines = {}
    for r in doc["rows"]:
        lines.setdefault((r["sampler"], r["series"]), {})[r["steps"]] = r
    out = [f"`{path}`: guidance {s['guidance']:g}, guidance_rescale {s['guidance_rescale']:g}, {s['per_class']} per class; "
           "cells: accuracy / Frechet distance (NFE)", "",
           "| sampler | schedule | " + " | ".join(f"{n} steps" for n in steps) + " |",
           "| --- | --- | " + " | ".join("---:" for _ in steps) + " |"]
    for (sampler, series), rows in lines.items():
        cells = []
        for n in steps:
            r = rows.get(n)
            cells.append("" if r is None else f"{fmt(r['accuracy'], '.3f')} / {fmt(r['frechet'], '.1f')} ({r['nfe']})")
        out.append(f"| {sampler} | `{series}` | " + " | ".join(cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    fn = table
    if args and args[0] == "--pivot":
        fn = pivot
        args = args[1:]
    print("\n\n".join(fn(p) for p in args))
