#!/bin/sh
# Reproduces the measurements of models/digits/EVAL_REPORT.md: JSON documents and plots under models/digits/eval/.
# About 20 minutes on 2 CPU cores. Deterministic: the same seeds give the same numbers (timings aside).
#
#   tools/digits/eval_report.sh
set -eu
cd "$(dirname "$0")/../.."
export SAMPLER4J_THREADS="${SAMPLER4J_THREADS:-2}"
M=models/digits
E=$M/eval
N=30            # samples per class: 300 samples per case
mkdir -p "$E"
eval_() { name=$1; shift; echo "== $name" >&2; bin/sampler4j eval --model "$M" --per-class "$N" --plot "$E/$name.png" --json "$@" > "$E/$name.json"; }

# 1. Samplers on the recommended schedule (zero-SNR, trailing), guidance 3.
eval_ samplers -s euler -s euler_a -s heun -s dpmpp_2m -s dpmpp_2m_sde -s uni_pc \
    --schedule 'trailing(10).zeroSnr()' --steps 5,10,20,30 --guidance 3

# 2. Schedules with dpmpp_2m, guidance 3: zero-SNR or not, trailing / leading / linspace spacing, AYS, Karras.
eval_ schedules -s dpmpp_2m \
    --schedule 'trailing(10).zeroSnr()' --schedule 'trailing(10)' --schedule 'leading(10).zeroSnr()' \
    --schedule 'linspace(10).zeroSnr()' --schedule 'preset(ays, 10).zeroSnr()' --schedule 'trailing(10).karras().zeroSnr()' \
    --steps 5,10,20,30 --guidance 3

# 3. Guidance scale and guidance_rescale at 30 steps.
for g in 1 3 6; do
  for phi in 0 0.7; do
    eval_ "guidance-$g-rescale-$phi" -s dpmpp_2m --schedule 'trailing(30).zeroSnr()' --guidance "$g" --guidance-rescale "$phi"
  done
done
