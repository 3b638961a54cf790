#!/bin/sh
# Reproduces the digits section of models/digits/EVAL_REPORT.md ("Fitted schedules"): dpmpp_2m at 6 steps (6 NFE),
# guidance 1; fits with each method on the optimizer's seed stream, then eval on 5 blocks of 1000 samples (seeds
# 0..4999, which the optimizer never uses) next to the built-in schedules. Confidence intervals over the blocks:
#   python3 tools/optimize/digits_ci.py out/optimize/digits
# FIT=0 skips the fits and evaluates the presets already in $O (e.g. copies of models/digits/eval/fitted-*.json).
# EVAL_SPARK='local[2]' runs the evaluations as Spark tasks (same numbers).
set -eu
cd "$(dirname "$0")/../.."
O=${O:-out/optimize/digits}
M=models/digits
mkdir -p "$O"
threads=1
fit() { m=$1; shift; SAMPLER4J_THREADS=$threads /usr/bin/time -f "%e s wall, %U s user, %S s sys" bin/sampler4j optimize --model $M -s dpmpp_2m --steps 6 --method $m \
  --reference-steps 40 --budget 3000 -o "$O/digits-dpmpp_2m-6-$m.json" -q "$@" > "$O/fit-$m.log" 2>&1; uptime >> "$O/fit-$m.log"; }
if [ "${FIT:-1}" = 1 ]; then
  fit direct -n 16 --max-evaluations 120
  fit gits -n 16 --grid 20
  fit ays -n 8 --candidates 6 --max-evaluations 150
  threads=2  # both cores: the 519 s of EVAL_REPORT.md
  fit frechet -n 200 --max-evaluations 60 --schedule 'linspace(6).zeroSnr()'
fi
spark=""
[ -n "${EVAL_SPARK:-}" ] && spark="--spark ${EVAL_SPARK}"
for b in 0 1 2 3 4; do
  bin/sampler4j eval --model $M -s dpmpp_2m --per-class 100 --seed $((b * 1000)) \
    --schedule 'trailing(6).zeroSnr()' --schedule 'linspace(6).zeroSnr()' --schedule 'trailing(6).karras().zeroSnr()' \
    --schedule 'preset(ays, 6)' --schedule 'preset(gits, 6)' \
    --schedule "preset(file:$O/digits-dpmpp_2m-6-direct.json, 6).zeroSnr()" --schedule "preset(file:$O/digits-dpmpp_2m-6-gits.json, 6).zeroSnr()" \
    --schedule "preset(file:$O/digits-dpmpp_2m-6-frechet.json, 6).zeroSnr()" --json -q $spark > "$O/block$b.json"
done
