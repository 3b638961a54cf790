#!/bin/sh
# Reproduces the measurements of models/digits/EVAL_REPORT.md: one JSON document and one plot per experiment under
# models/digits/eval/. About 20 minutes on 2 CPU cores. Deterministic: the same seeds give the same numbers (timings aside).
#
#   tools/digits/eval_report.sh
set -eu
cd "$(dirname "$0")/../.."
export SAMPLER4J_THREADS="${SAMPLER4J_THREADS:-2}"
M=models/digits
E=$M/eval
N=30            # samples per class: 300 samples per case, seeds 0..299, the same for every case
mkdir -p "$E"
run_eval() { name=$1; shift; echo "== $name" >&2; bin/sampler4j eval --model "$M" --per-class "$N" --plot "$E/$name.png" --json "$@" > "$E/$name.json"; }

# 1. Samplers without guidance (the model alone) on the recommended schedule: zero-SNR betas, trailing spacing.
run_eval samplers-g1 -s euler -s euler_a -s heun -s dpmpp_2m -s dpmpp_2m_sde -s uni_pc \
    --schedule 'trailing(10).zeroSnr()' --steps 3,5,10,20,30 --guidance 1

# 2. A few samplers at few steps with guidance 3 (the README's setting).
run_eval samplers-g3 -s euler -s dpmpp_2m -s uni_pc --schedule 'trailing(10).zeroSnr()' --steps 2,3,5,10 --guidance 3

# 3. Schedules with dpmpp_2m, no guidance: zero-SNR or not, trailing / leading / linspace spacing, AYS, Karras.
run_eval schedules-g1 -s dpmpp_2m \
    --schedule 'trailing(10).zeroSnr()' --schedule 'trailing(10)' --schedule 'leading(10).zeroSnr()' \
    --schedule 'linspace(10).zeroSnr()' --schedule 'preset(ays, 10).zeroSnr()' --schedule 'preset(ays, 10)' \
    --schedule 'trailing(10).karras().zeroSnr()' --steps 3,5,10,20,30 --guidance 1

# 4. Guidance scale and guidance_rescale at 30 steps, with and without zero-SNR.
for g in 1 2 3 5; do
  for phi in 0 0.7; do
    [ "$g" = 1 ] && [ "$phi" = 0.7 ] && continue   # rescale does nothing without guidance
    run_eval "guidance-$g-rescale-$phi" -s dpmpp_2m --schedule 'trailing(30).zeroSnr()' --schedule 'trailing(30)' \
        --guidance "$g" --guidance-rescale "$phi"
  done
done
