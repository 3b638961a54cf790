#!/usr/bin/env bash
# Makes a runnable sampler4j model folder from one of the tiny Stable Diffusion golden fixtures:
#   tools/export/tiny_sd_folder.sh GOLDEN_DIR NAME OUT_DIR
# GOLDEN_DIR holds sd_pipelines/ and clip_tokenizer/ (the shared golden folder beside the checkout, or host/src/test/resources/golden);
# NAME is tiny-sd, tiny-sd-v or tiny-sdxl. Writes OUT_DIR/NAME with the TorchScript files, tokenizer/ (and
# tokenizer_2/) and model.yaml. The same layout as tools/export/export_sd.py writes for real models.
set -euo pipefail
if [ $# -ne 3 ]; then echo "usage: $0 GOLDEN_DIR tiny-sd|tiny-sd-v|tiny-sdxl OUT_DIR" >&2; exit 2; fi
golden=$1 name=$2 out=$3/$2
src=$golden/sd_pipelines/models/$name
[ -d "$src" ] || { echo "no fixture $src (names: tiny-sd, tiny-sd-v, tiny-sdxl)" >&2; exit 2; }
mkdir -p "$out"
cp "$src"/* "$out"/ && chmod -R u+w "$out"
toks=tokenizer; [ "$name" = tiny-sdxl ] && toks="tokenizer tokenizer_2"
for t in $toks; do mkdir -p "$out/$t"; cp "$golden/clip_tokenizer/vocab.json" "$golden/clip_tokenizer/merges.txt" "$out/$t/"; done
kind=sd; [ "$name" = tiny-sdxl ] && kind=sdxl
{
  echo "kind: $kind"
  echo "name: $name"
  echo "unet: unet.pt"
  echo "scheduler_config: scheduler_config.json"
  echo "text_encoders:"
  echo "  - {file: text_encoder.pt, tokenizer: tokenizer, pad: eos}"
  [ "$kind" = sdxl ] && echo "  - {file: text_encoder_2.pt, tokenizer: tokenizer_2, pad: zero}"
  echo "latent: {channels: 4, height: 16, width: 16}"
  echo "vae: {decoder: vae_decoder.pt, encoder: vae_encoder.pt, scaling_factor: 0.18215, scale_factor: 2}"
} > "$out/model.yaml"
echo "wrote $out"
