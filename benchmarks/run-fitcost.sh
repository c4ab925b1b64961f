#!/usr/bin/env bash
# The fixed cost of a one-iteration fit (issue 16: under 0.15 s): 500,000 x 16 generated floats
# (the file of run-read.sh), 32 given initial centroids (its first 32 rows), --max-iter 1 --tol 0
# --scale none. Each of RUNS fresh JVMs (default 5) runs `segment kmeans` once cold and WARM times
# more (BenchMain fitcost); the warm fits are the zero-work reference (the same fit with every
# kernel compiled and every probe done). Prints each JVM's cold fit, warm median and difference,
# then the median difference. Takes the JVM flags ./segment uses (segmenta-jvm.args, and the AOT
# cache when ./segment would use one).
# usage: benchmarks/run-fitcost.sh [RUNS] [WARM] [extra segment kmeans options, e.g. --backend cpu]
set -euo pipefail
. "$(dirname "$0")/bench-jar.sh" run-fitcost
runs=${1:-5}
warm=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
rows=500000
data=$root/benchmarks/target/read-$rows-16.csv
if [ ! -f "$data" ]; then
  python3 - "$data" "$rows" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(16)
x = rng.normal(0, 100, size=(int(sys.argv[2]), 16))
np.savetxt(sys.argv[1], x, fmt="%.5f", delimiter=",", header=",".join(f"f{j}" for j in range(16)), comments="")
PY
fi
init=$root/benchmarks/target/read-$rows-16-init32.csv
[ -f "$init" ] || head -33 "$data" > "$init"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
diffs=()
for r in $(seq "$runs"); do
  line=$("$JAVA_HOME/bin/java" "@$flags" ${SEGMENTA_EXTRA_JVM:-} -jar "$jar" fitcost --warm "$warm" -- kmeans --input "$data" \
    --init "$init" --k 32 --max-iter 1 --tol 0 --scale none --out "$out/o" --progress never "$@")
  echo "$line"
  # Only the fitcost line: the run's own notes (the backends passed over) may come first.
  diffs+=("$(sed -n 's/^fitcost .*fixed cost \([-0-9.]*\) s.*/\1/p' <<<"$line")")
done
printf '%s\n' "${diffs[@]}" | sort -g | awk '{a[NR]=$1} END {printf "median fixed cost over %d JVMs: %.3f s\n", NR, a[int((NR+1)/2)]}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
