#!/usr/bin/env bash
# Reading a feature table side by side (issue 16): the engine's TableReader.read against pandas'
# read_csv(dtype=float32) on the same generated file, 500,000 x 16 floats with 5 decimals (71 MB),
# then the same file gzipped. Both print a checksum of the float32 bits: equal sums, same values.
# usage: benchmarks/run-read.sh [ROWS] [REPS]   (the file is made once under benchmarks/target/)
set -euo pipefail
. "$(dirname "$0")/bench-jar.sh" run-read
rows=${1:-500000}
reps=${2:-7}
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
[ -f "$data.gz" ] || gzip -k -1 "$data"
py=python3
for c in python3 /usr/bin/python3; do if "$c" -c "import pandas" 2>/dev/null; then py=$c; break; fi; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$JAVA_HOME/bin/java" "@$flags" -Xmx2g -jar "$jar" read "$data" --reps "$reps"
"$JAVA_HOME/bin/java" "@$flags" -Xmx2g -jar "$jar" read "$data" --reps "$reps" --threads 1
"$py" "$root/benchmarks/python/pandas_read.py" "$data" "$reps"
"$JAVA_HOME/bin/java" "@$flags" -Xmx2g -jar "$jar" read "$data.gz" --reps "$reps"
"$py" "$root/benchmarks/python/pandas_read.py" "$data.gz" "$reps"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
