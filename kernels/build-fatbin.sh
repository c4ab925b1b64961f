#!/usr/bin/env bash
# Compiles each src/main/cuda/NAME.cu (kmeans.cu, gmm.cu) into the committed resource NAME.fatbin:
# SASS for sm_80 and sm_90 plus compute_80 PTX (loaded by the driver, which JIT-compiles the PTX for
# newer GPUs), and records the source's SHA-256 beside it; a test fails when the two disagree. Run
# it after editing a .cu file (the build runs it by itself where nvcc is installed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/src/main/resources/io/segmenta/kernels/cuda
nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then echo "build-fatbin: nvcc not found; keeping the committed fatbins" >&2; exit 0; fi
mkdir -p "$out"
for src in "$here"/src/main/cuda/*.cu; do
  name=$(basename "$src" .cu)
  sum=$(sha256sum "$src" | cut -d' ' -f1)
  if [ -f "$out/$name.fatbin" ] && [ "$(cat "$out/$name.fatbin.source-sha256" 2>/dev/null)" = "$sum" ]; then continue; fi
  "$nvcc" -O3 --fatbin \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_80,code=compute_80 \
    -o "$out/$name.fatbin" "$src"
  echo "$sum" > "$out/$name.fatbin.source-sha256"
  echo "build-fatbin: compiled $out/$name.fatbin with $("$nvcc" --version | tail -1)" >&2
done
