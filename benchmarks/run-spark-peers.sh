#!/usr/bin/env bash
# SegmentaKMeans against Spark MLlib's KMeans on local[N] (issue 15's benchmark), side by side in one
# Spark session, then Segmenta's scaling curve in partitions and rows. Options (SparkPeers): --n 1000000
# --d 16 --k 32 --iters 10 --repeats 3 --partitions 2 --curve-partitions 1,2,4,8 --curve-rows 1000000,10000000; the GMM case:
# --gmm-n 1000000 --gmm-iters 3 --gmm-cov data|identity --gmm-scale 1 (rows times this; 0.1 keeps MLlib's E-step from underflowing at d = 16)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
if [ ! -f "$root/spark/target/spark-classpath.txt" ] || [ ! -d "$root/benchmarks/target/classes/io/segmenta/bench" ] \
  || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$root/spark/target/spark-classpath.txt" -print -quit 2>/dev/null)" ]; then
  echo "run-spark-peers: building ..." >&2
  "$root/mvnw" -B -q -Dstyle.color=never -DskipTests -Dskip.fuzz=true -pl benchmarks,spark -am package >&2
  touch "$root/spark/target/spark-classpath.txt"
fi
export SPARK_LOCAL_IP=127.0.0.1
exec "$JAVA_HOME/bin/java" "@$root/spark/target/spark-jvm.args" -Xmx12g -Dlog4j2.configurationFile="$root/spark/conf/log4j2.properties" \
  -cp "$root/benchmarks/target/classes:$root/spark/target/classes:$(cat "$root/spark/target/spark-classpath.txt")" io.segmenta.bench.SparkPeers "$@"
