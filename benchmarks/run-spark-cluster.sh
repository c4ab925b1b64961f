#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Maven jars (no Spark installation): a
# master and two workers on loopback, each executor in its own JVM; `segment spark kmeans` submitted
# through Spark's own SparkSubmit with the shaded job jar, then checked against `segment kmeans` on
# the same rows (every customer's segment, the centroids to 1e-9) and against the scalar fallback
# (every executor must report cpu-vector). Bounded: stops the cluster on exit.
#   benchmarks/run-spark-cluster.sh [--rows 200000] [--d 8] [--k 8] [--partitions 4]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
rows=200000 d=8 k=8 partitions=4
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --d) d=$2; shift 2 ;;
    --k) k=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
job=$root/spark/target/segmenta-spark-0.1.0-SNAPSHOT-job.jar
if [ ! -f "$job" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$job" -print -quit 2>/dev/null)" ]; then
  echo "run-spark-cluster: building the job jar ..." >&2
  "$root/mvnw" -B -q -Dstyle.color=never -DskipTests -Dskip.fuzz=true -pl spark -am package >&2
fi
work=$root/benchmarks/work/spark-cluster
rm -rf "$work" && mkdir -p "$work"
export SPARK_HOME=$work/spark-home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
# Spark's jars and the engine's third-party ones; none of Segmenta's own: those travel in the job jar.
tr ':' '\n' < "$root/spark/target/spark-classpath.txt" | grep '\.jar$' | grep -v '/segmenta-[a-z-]*-0' | while read -r j; do ln -sf "$j" "$SPARK_HOME/jars/"; done
cp "$root/spark/conf/log4j2.properties" "$SPARK_HOME/conf/"
flags=$root/spark/target/spark-jvm.args
cp="$SPARK_HOME/conf:$SPARK_HOME/jars/*"
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
t0=$(date +%s.%N)
"$JAVA_HOME/bin/java" "@$flags" -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port $((port + 1)) > "$work/master.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  "$JAVA_HOME/bin/java" "@$flags" -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 \
    --cores 1 --memory 2g --webui-port $((port + 1 + w)) --work-dir "$work/worker$w" > "$work/worker$w.log" 2>&1 &
  pids+=($!)
done
# The master's status page (JSON) counts the workers that registered.
alive() { curl -s "http://127.0.0.1:$((port + 1))/json/" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("aliveworkers", 0))' 2>/dev/null || echo 0; }
for _ in $(seq 240); do
  [ "$(alive)" -ge 2 ] && break
  sleep 0.5
done
[ "$(alive)" -ge 2 ] || { echo "the workers did not register within 120 s; see $work/*.log" >&2; exit 1; }
t1=$(date +%s.%N)

python3 - "$work/rows.csv" "$work/init.csv" "$rows" "$d" "$k" <<'EOF'
import random, sys
path, init, n, d, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(7)
centres = [[rng.uniform(-20, 20) for _ in range(d)] for _ in range(k)]
first = []
with open(path, "w") as f:
    f.write("id," + ",".join("f%d" % j for j in range(d)) + "\n")
    for i in range(n):
        c = centres[i % k]
        row = ["%.5f" % (v + rng.gauss(0, 2)) for v in c]
        if i < k * 37 and i % 37 == 0: first.append(row)
        f.write("C%d,%s\n" % (i, ",".join(row)))
with open(init, "w") as f:
    f.write(",".join("f%d" % j for j in range(d)) + "\n")
    for r in first: f.write(",".join(r) + "\n")
EOF
common=(--input "$work/rows.csv" --id-column id --k "$k" --init "$work/init.csv" --scale standard)
"$root/segment" kmeans "${common[@]}" --out "$work/engine" --progress never > "$work/engine.log" 2>&1
t2=$(date +%s.%N)
"$JAVA_HOME/bin/java" "@$flags" -Dlog4j2.configurationFile="$SPARK_HOME/conf/log4j2.properties" -cp "$cp" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client --class io.segmenta.spark.SegmentJob \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
  --executor-memory 1g --total-executor-cores 2 \
  "$job" kmeans "${common[@]}" --partitions "$partitions" --csv --out "$work/cluster" 2>&1 | tee "$work/submit.log" | grep -v '^WARNING' >&2
t3=$(date +%s.%N)

python3 - "$work" <<'EOF'
import csv, glob, json, sys
w = sys.argv[1]
eng = {r["id"]: int(r["segment"]) for r in csv.DictReader(open(w + "/engine/assignments.csv"))}
got = {}
for p in glob.glob(w + "/cluster/assignments-csv/*.csv"):
    for r in csv.DictReader(open(p)): got[r["id"]] = int(r["segment"])
wrong = sum(1 for i, s in eng.items() if got.get(i) != s)
ec = list(csv.reader(open(w + "/engine/centroids.csv")))[1:]
cc = list(csv.reader(open(w + "/cluster/centroids.csv")))[1:]
worst = max(abs(float(a) - float(b)) / max(1.0, abs(float(a))) for x, y in zip(ec, cc) for a, b in zip(x[2:], y[2:]))
s = json.load(open(w + "/cluster/summary.json"))
e = json.load(open(w + "/engine/summary.json"))
print("customers %d, segments differing %d; worst centroid difference (relative) %.2e; inertia engine %.10g, cluster %.10g"
      % (len(eng), wrong, worst, e["inertia"], s["inertia"]))
print("master %s, %d partitions, executors %s, fit %.2f s, iterations %d" % (s["master"], s["partitions"], s["executor_backends"], s["seconds"], s["iterations"]))
ok = wrong == 0 and len(got) == len(eng) and worst <= 1e-9 and len(s["executor_backends"]) == 2 \
     and all(b.split("=")[1] == "cpu-vector" for b in s["executor_backends"])
print("cluster run equals segment kmeans, executors on the Vector API path" if ok else "MISMATCH")
sys.exit(0 if ok else 1)
EOF
printf 'cluster start %.1f s; segment kmeans %.1f s; spark-submit (driver start, executors, read, fit, write) %.1f s; load average %s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
