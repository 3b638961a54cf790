#!/bin/sh
# Reproduces the gmm table of the README's "Fitting a schedule" section: for euler, dpmpp_2m and dpmpp_2m_sde at 4, 6, 8
# and 10 NFE, one fit per method (direct, ays, gits; 32 samples of the optimizer's seed stream, at most 800 evaluations,
# a 500-step reference) and one eval (100 samples, seeds 0..99, eval's 2000-step reference) of the fitted presets next to
# the built-in schedules. Writes out/optimize/gmm/*.json; tables: python3 tools/optimize/tables.py out/optimize/gmm
set -eu
cd "$(dirname "$0")/../.."
O=out/optimize/gmm
mkdir -p "$O"
for s in euler dpmpp_2m dpmpp_2m_sde; do
  for n in 4 6 8 10; do
    for m in direct ays gits; do
      bin/sampler4j optimize --model gmm -s $s --steps $n --method $m -n 32 --max-evaluations 800 --reference-steps 500 \
        -o "$O/gmm-$s-$n-$m.json" -q > "$O/fit-$s-$n-$m.log"
    done
    bin/sampler4j eval --model gmm -s $s --schedule "linspace($n).karras()" --schedule "linspace($n).exponential()" --schedule "linspace($n).beta()" \
      --schedule "linspace($n).polyexponential()" --schedule "preset(ays, $n)" --schedule "preset(gits, $n)" \
      --schedule "preset(file:$O/gmm-$s-$n-direct.json, $n)" --schedule "preset(file:$O/gmm-$s-$n-ays.json, $n)" \
      --schedule "preset(file:$O/gmm-$s-$n-gits.json, $n)" --json -q > "$O/eval-$s-$n.json"
  done
done
