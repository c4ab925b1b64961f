#!/usr/bin/env bash
# Compiles each src/main/gpu/NAME.cu (kmeans.cu, gmm.cu: the one kernel text that the OpenCL backend
# also builds, at open) into the committed resource NAME.fatbin: SASS for sm_80 and sm_90 plus
# compute_80 PTX (loaded by the driver, which JIT-compiles the PTX for newer GPUs), and records the
# source's SHA-256 beside it; a test fails when the two disagree. The source is NAME.cu with the
# headers it includes ("dialect.h"): the SHA-256 is taken over those headers, in the order of their
# #include lines, then NAME.cu. Run it after editing a kernel file (the build runs it by itself where
# nvcc is installed). FORCE=1 recompiles even when the sums agree (to check that nvcc's output is
# reproducible: compile, then cmp with the committed file).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src_dir=$here/src/main/gpu
out=${OUT_DIR:-$here/src/main/resources/io/segmenta/kernels/cuda}
nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then echo "build-fatbin: nvcc not found; keeping the committed fatbins" >&2; exit 0; fi
mkdir -p "$out"
for src in "$src_dir"/*.cu; do
  name=$(basename "$src" .cu)
  files=()
  while IFS= read -r h; do files+=("$src_dir/$h"); done < <(sed -n 's/^#include "\([^"]*\)"$/\1/p' "$src")
  sum=$(cat "${files[@]}" "$src" | sha256sum | cut -d' ' -f1)
  if [ "${FORCE:-0}" != 1 ] && [ -f "$out/$name.fatbin" ] && [ "$(cat "$out/$name.fatbin.source-sha256" 2>/dev/null)" = "$sum" ]; then continue; fi
  # Compiled from inside the source folder with relative names, so that no path of this machine
  # enters the output.
  (cd "$src_dir" && "$nvcc" -O3 --fatbin \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_80,code=compute_80 \
    -o "$out/$name.fatbin" "$name.cu")
  echo "$sum" > "$out/$name.fatbin.source-sha256"
  echo "build-fatbin: compiled $out/$name.fatbin with $("$nvcc" --version | tail -1)" >&2
done
