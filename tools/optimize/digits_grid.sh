#!/bin/sh
# Reproduces the "Fitted schedules across samplers and step counts" table of models/digits/EVAL_REPORT.md: for euler,
# dpmpp_2m and dpmpp_2m_sde at 4, 6, 8 and 10 steps (= NFE for these samplers), guidance 1, two fits per cell on the
# optimizer's own seed stream -- gits (16 samples, a grid of 3n+2 points, template trailing(n).zeroSnr()) and frechet
# (100 samples, 30 evaluations, template linspace(n).zeroSnr(); the first run fitted dpmpp_2m and euler at 6 NFE with 150 samples and 40 evaluations) -- then eval on 5 blocks of 200 samples (20 per class,
# seeds 1000 b .. 1000 b + 199, which the optimizer never uses) next to the built-in schedules. Two cells run at a time,
# one libtorch thread each. Writes out/optimize/digits-grid/; tables:
#   python3 tools/optimize/digits_grid.py out/optimize/digits-grid
set -eu
cd "$(dirname "$0")/../.."
O=${O:-out/optimize/digits-grid}
M=models/digits
mkdir -p "$O"
cell() {
  s=$1; n=$2; p="$O/$s-$n"
  export SAMPLER4J_THREADS=1
  [ -f "$p-gits.json" ] || bin/sampler4j optimize --model $M -s $s --steps $n --method gits -n 16 --grid $((3 * n + 2)) \
    --schedule "trailing($n).zeroSnr()" --reference-steps 40 --budget 3000 -o "$p-gits.json" -q > "$p-fit-gits.log" 2>&1
  [ -f "$p-frechet.json" ] || bin/sampler4j optimize --model $M -s $s --steps $n --method frechet -n 100 --max-evaluations 30 \
    --schedule "linspace($n).zeroSnr()" --reference-steps 40 --budget 3000 -o "$p-frechet.json" -q > "$p-fit-frechet.log" 2>&1
  for b in 0 1 2 3 4; do
    [ -s "$p-block$b.json" ] && continue
    bin/sampler4j eval --model $M -s $s --per-class 20 --seed $((b * 1000)) \
      --schedule "trailing($n).zeroSnr()" --schedule "linspace($n).zeroSnr()" --schedule "trailing($n).karras().zeroSnr()" \
      --schedule "trailing($n).exponential().zeroSnr()" --schedule "preset(ays, $n)" --schedule "preset(gits, $n)" \
      --schedule "preset(file:$p-gits.json, $n).zeroSnr()" --schedule "preset(file:$p-frechet.json, $n).zeroSnr()" \
      --json -q > "$p-block$b.tmp" && mv "$p-block$b.tmp" "$p-block$b.json"
  done
}
if [ $# -eq 2 ]; then cell "$1" "$2"; exit; fi
for n in 6 4 8 10; do for s in dpmpp_2m euler dpmpp_2m_sde; do echo "$s $n"; done; done | xargs -P 2 -L 1 sh "$0"
