#!/usr/bin/env bash
# The whole job side by side (issue 16): whole-process wall time of `segment kmeans` against the
# equivalent pandas + scikit-learn script, and of the README's main command (Online Retail).
#
#   1. segment kmeans --input X.csv --init C.csv --k 32 --max-iter 101 --tol 0 --scale none --out DIR
#      vs benchmarks/python/sklearn_e2e.py: pandas.read_csv(float32), KMeans(init=C, n_init=1,
#      max_iter=101, tol=0, algorithm='lloyd'), assignments.csv and centroids.csv written.
#      X: 500,000 x 16 floats (32 Gaussian blobs, 2 decimals, about 45 MB), C: 32 given centroids
#      (32 distinct data rows chosen by a seed), both made once under benchmarks/target/.
#   2. The README's main command (Online Retail, k = auto, n-init 10, charts and report).
#
# Each command is timed from outside by farm-bench (start-up included), median of RUNS runs after
# one warm-up, through ./segment as users run it (its AOT cache included); segment and sklearn run in turn (A B A B ...). Every run's own phases are kept
# (segment --verbose, the script's stderr) and their medians listed. Prints a markdown table.
# usage: benchmarks/run-e2e.sh [RUNS]   (default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
runs=${1:-5}
cd "$root"
mkdir -p benchmarks/target
data=$root/benchmarks/target/e2e-500000-16.csv
init=$root/benchmarks/target/e2e-500000-16-init32.csv
if [ ! -f "$data" ] || [ ! -f "$init" ]; then
  python3 - "$data" "$init" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(16)
n, d, k = 500_000, 16, 32
centers = rng.uniform(-5, 5, size=(k, d))
x = centers[rng.integers(0, k, size=n)] + rng.normal(0, 1, size=(n, d))
x = np.round(x, 2)
head = ",".join(f"f{j}" for j in range(d))
np.savetxt(sys.argv[1], x, fmt="%.2f", delimiter=",", header=head, comments="")
rows = rng.choice(n, size=k, replace=False)
np.savetxt(sys.argv[2], x[np.sort(rows)], fmt="%.2f", delimiter=",", header=head, comments="")
PY
fi
./segment --version >/dev/null 2>&1 # builds engine/target/segmenta.jar when sources changed
py=
for c in python3 /usr/bin/python3; do if "$c" -c "import pandas, sklearn" 2>/dev/null; then py=$c; break; fi; done
[ -n "$py" ] || { echo "run-e2e: no python3 with pandas and scikit-learn (Debian: apt-get install python3-pandas python3-sklearn)" >&2; exit 1; }
work=$(mktemp -d /tmp/segmenta-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
# segment is run as users run it: ./segment, its AOT cache included (SEGMENTA_AOT=0: without it). The --version run above
# built the jar and trained the cache.
java="$root/segment"
seg_synth="$java kmeans --input $data --init $init --k 32 --max-iter 101 --tol 0 --scale none --out $work/seg --progress never --verbose"
py_synth="$py $root/benchmarks/python/sklearn_e2e.py --input $data --init $init --k 32 --max-iter 101 --out $work/py"
seg_retail="$java kmeans --transactions $root/datasets/online-retail/online-retail.csv.gz --preset online-retail --k auto --auto-log1p 1 --scale standard --n-init 10 --seed 1 --out $work/retail --progress never --verbose"

load() { cut -d' ' -f1-3 /proc/loadavg; }
timeout=$((runs * 120 + 240))
echo "# run-e2e: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), runs $runs" >&2
l1=$(load)
farm-bench -n "$runs" --timeout "$timeout" --vs "sh -c 'exec $py_synth >>$work/py.log 2>&1'" -- sh -c "exec $seg_synth >>$work/seg.log 2>&1" >"$work/fb-synth.txt" 2>&1 || true
l2=$(load)
farm-bench -n "$runs" --timeout "$timeout" -- sh -c "exec $seg_retail >>$work/retail.log 2>&1" >"$work/fb-retail.txt" 2>&1 || true
l3=$(load)
cat "$work/fb-synth.txt" "$work/fb-retail.txt" >&2

python3 - "$work" "$l1" "$l2" "$l3" "$runs" <<'PY'
import re, statistics, sys
work, l1, l2, l3, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def fb(path, who):
    """min, median, max of a farm-bench row ('A wall s', 'A cpu s', 'A peak MiB')."""
    out = {}
    for line in open(path):
        m = re.match(r"\s*%s (wall s|cpu s|peak MiB)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)" % who, line)
        if m:
            out[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return out

def seg_phases(path):
    """Median seconds of each phase over the counted runs (the first block is farm-bench's warm-up)."""
    runs_, cur = [], None
    for line in open(path):
        if "phases (seconds)" in line:
            cur = {}
            runs_.append(cur)
        m = re.match(r"  ([a-z_]+)\s+([0-9.]+) s$", line)  # phases only: their parts are indented further
        if m and cur is not None:
            cur[m.group(1)] = float(m.group(2))
    runs_ = runs_[1:] if len(runs_) > 1 else runs_
    keys = [k for k in (runs_[0] if runs_ else {})]
    return ", ".join(f"{k} {statistics.median(r.get(k, 0) for r in runs_):.2f}" for k in keys)

def py_phases(path):
    rs = [dict(re.findall(r"(import|read|fit|write|iterations|inertia) ([0-9.e+-]+)", l)) for l in open(path) if l.startswith("phases:")]
    rs = rs[1:] if len(rs) > 1 else rs
    if not rs:
        return "?"
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    return f"import {med('import'):.2f}, read {med('read'):.2f}, fit {med('fit'):.2f}, write {med('write'):.2f} ({int(med('iterations'))} iterations)"

def failed(path, who):
    """True unless every run of that command exited 0 ('A exit 0 (5 of 5)')."""
    for line in open(path):
        m = re.match(r"%s exit (\S+) \((\d+) of (\d+)\)" % who, line.strip())
        if m:
            return not (m.group(1) == "0" and m.group(2) == m.group(3))
    return True

def row(case, who, f, phases, load):
    w, c, p = f.get("wall s"), f.get("cpu s"), f.get("peak MiB")
    if not w or f.get("failed"):
        return f"| {case} | {who} | failed (see farm-bench output above) | | | {phases} | {load} |"
    return f"| {case} | {who} | {w[1]:.2f} ({w[0]:.2f}-{w[2]:.2f}) | {c[1]:.2f} | {p[1]:.0f} | {phases} | {load} |"

a, b = fb(f"{work}/fb-synth.txt", "A"), fb(f"{work}/fb-synth.txt", "B")
r = fb(f"{work}/fb-retail.txt", "A")
a["failed"], b["failed"], r["failed"] = failed(f"{work}/fb-synth.txt", "A"), failed(f"{work}/fb-synth.txt", "B"), failed(f"{work}/fb-retail.txt", "A")
print(f"| case | contender | wall s, median of {runs} (min-max) | cpu s | peak MiB | phases (median s) | load average before / after |")
print("|---|---|---:|---:|---:|---|---|")
print(row("500,000 x 16 CSV, k = 32, 101 iterations, given centroids", "segment kmeans", a, seg_phases(f"{work}/seg.log"), f"{l1} / {l2}"))
print(row("same", "pandas + scikit-learn (lloyd)", b, py_phases(f"{work}/py.log"), f"{l1} / {l2}"))
print(row("Online Retail, README main command", "segment kmeans", r, seg_phases(f"{work}/retail.log"), f"{l2} / {l3}"))
if a.get("wall s") and b.get("wall s") and not a["failed"] and not b["failed"]:
    ratio = b["wall s"][1] / a["wall s"][1]
    print(f"\nsegment vs pandas + scikit-learn, whole process: {ratio:.2f}x (target >= 2x: {'met' if ratio >= 2 else 'not met'})")
    for line in open(f"{work}/fb-synth.txt"):
        if line.strip().startswith("A/B wall"):
            print(f"paired A/B wall ratio (segment / sklearn, min median max): {' '.join(line.split()[2:])}")
if r.get("wall s") and not r["failed"]:
    print(f"Online Retail main command: median {r['wall s'][1]:.2f} s (target < 4 s: {'met' if r['wall s'][1] < 4 else 'not met'})")
PY
