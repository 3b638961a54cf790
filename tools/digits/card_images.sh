#!/bin/sh
# Writes the sample grids of models/digits/MODEL_CARD.md (a few seconds each; deterministic).
#
#   tools/digits/card_images.sh
set -eu
cd "$(dirname "$0")/../.."
M=models/digits
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ALL=0,1,2,3,4,5,6,7,8,9
# The README's main command: one sample per class, seeds 0..9, euler (the default) on the model's trailing(30).zeroSnr(), guidance 3.
bin/sampler4j run --model "$M" --class "$ALL" --batch 10 --guidance 3 -o "$T/main.png" -q
cp "$T/main-grid.png" "$M/samples-guidance-3.png"
# The model alone (no guidance), seeds 100..109.
bin/sampler4j run --model "$M" -s dpmpp_2m --class "$ALL" --batch 10 --seed 100 -o "$T/g1.png" -q
cp "$T/g1-grid.png" "$M/samples-guidance-1.png"
# What the schedule does at 10 steps without guidance, same seeds in every row.
bin/sampler4j run --model "$M" -s dpmpp_2m --class "$ALL" --batch 10 --seed 100 \
    --schedule 'trailing(10).zeroSnr()' --schedule 'trailing(10)' --schedule 'leading(10).zeroSnr()' --schedule 'preset(ays, 10).zeroSnr()' \
    -o "$T/sched.png" -q
cp "$T/sched-grid.png" "$M/samples-schedules.png"
# Guidance 5 with and without guidance_rescale 0.7 (two runs, stacked in the card).
bin/sampler4j run --model "$M" -s dpmpp_2m --class "$ALL" --batch 10 --seed 100 --guidance 5 -o "$T/g5.png" -q
cp "$T/g5-grid.png" "$M/samples-guidance-5.png"
bin/sampler4j run --model "$M" -s dpmpp_2m --class "$ALL" --batch 10 --seed 100 --guidance 5 --guidance-rescale 0.7 -o "$T/g5r.png" -q
cp "$T/g5r-grid.png" "$M/samples-guidance-5-rescale-0.7.png"
chmod a+r "$M"/samples-*.png
ls -l "$M"/samples-*.png
