#!/usr/bin/env bash
# On the GPU machine, with .device carried (see prepare-device.sh): the CUDA backend's oracle tests
# (a missing device is a failure here), then the GPU benchmarks. Logs go to $OUT when it is set.
# Usage: benchmarks/gpu/device-run.sh [tests|step|lloyd|peers|all] ...
#   lloyd: issue 4's measurement. The device's two ceilings (copy bandwidth, float32 GEMM rate) and
#   the floor of a Lloyd iteration at 10^7 x 16, k = 32 and 10^8 x 32, k = 256; the engine's CUDA
#   backend on data resident on the device (fused and three-kernel update paths; the first step
#   checked against the CPU backend); PyTorch on the same files (matmul, argmin, index_add_).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-benchmarks/results}
mkdir -p "$out"
java=.device/jre/bin/java
flags=$(cat .device/segmenta-jvm.args)
what=${1:-all}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,utilization.gpu --format=csv | tee "$out/gpu.txt"
if [ "$what" = tests ] || [ "$what" = all ]; then
  SEGMENTA_REQUIRE_CUDA=1 $java $flags -jar .device/lib/junit-platform-console-standalone-1.14.4.jar execute \
    -cp .device/lib/benchmarks.jar:.device/lib/kernels-tests.jar --select-class io.segmenta.kernels.GpuBackendsTest \
    --details=tree --disable-banner > "$out/cuda-tests.txt" 2>&1
  echo "cuda tests exit: $?"; grep -E "tests (successful|failed|skipped|aborted)" "$out/cuda-tests.txt"
  grep -B2 -A12 "✘" "$out/cuda-tests.txt" | head -60
fi
if [ "$what" = step ] || [ "$what" = all ]; then
  $java $flags -jar .device/lib/benchmarks.jar jmh KMeansStep -p backend=cuda -p threads=1 -p n=1000000,10000000 \
    -f 1 -wi 3 -i 5 -w 1 -r 1 -rff "$out/jmh-step-cuda.csv" > "$out/jmh-step-cuda.txt" 2>&1
  echo "jmh exit: $?"; tail -4 "$out/jmh-step-cuda.txt"
fi
if [ "$what" = lloyd ] || [ "$what" = all ]; then
  python3 benchmarks/python/gpu_floor.py --shape 10000000,16,32 --shape 100000000,32,256 > "$out/gpu-floor.json" 2>"$out/gpu-floor.err"
  echo "floor exit: $?"; cat "$out/gpu-floor.json"
  work=${SEGMENTA_WORK:-/tmp/segmenta-work}
  mkdir -p "$work"
  for shape in "10000000 16 32" "100000000 32 256"; do
    read -r sn sd sk <<< "$shape"
    data="$work/lloyd-${sn}x$sd-k$sk.f32"
    for update in fused sorted; do
      $java $flags -Xmx8g -Dsegmenta.cuda.update=$update -jar .device/lib/benchmarks.jar lloyd --data "$data" --n $sn --d $sd --k $sk \
        --iters 10 --backend cuda --check $([ $update = fused ] && echo true || echo false) >> "$out/lloyd-cuda-$update.md" 2>>"$out/lloyd-stderr.txt"
      echo "lloyd $shape $update exit: $?"; tail -1 "$out/lloyd-cuda-$update.md"
    done
    python3 benchmarks/python/torch_lloyd.py --data "$data" --init "$data.init" --n $sn --d $sd --k $sk --iters 10 --repeats 3 \
      | python3 -c 'import json,sys; j=json.load(sys.stdin); j.pop("centroids"); print(json.dumps(j))' >> "$out/lloyd-torch.jsonl"
    echo "torch $shape exit: $?"; tail -1 "$out/lloyd-torch.jsonl"
  done
fi
if [ "$what" = peers ] || [ "$what" = all ]; then
  shift || true
  $java $flags -Xmx24g -jar .device/lib/benchmarks.jar peers --backends cpu,cuda --threads 16 --repeats 5 --work /tmp/segmenta-work \
    --out "$out/peers-gpu.md" "$@" 2>"$out/peers-stderr.txt"
  echo "peers exit: $?"; tail -5 "$out/peers-stderr.txt"
fi
