#!/usr/bin/env bash
# The quality mode measured: Centroid Index on every UEF set for k-means++ (n-init 10), the
# random-swap quality mode and scikit-learn KMeans(n_init=10); builds the benchmarks jar when needed.
# Options: --swaps N --seeds 1,2,3 --sets s1,a3 --sklearn true|false. Writes benchmarks/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
jar=$root/benchmarks/target/benchmarks.jar
flags=$root/kernels/target/classes/segmenta-jvm.args
if [ ! -f "$jar" ] || [ ! -f "$flags" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "run-quality: building $jar ..." >&2
  "$root/mvnw" -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package >&2
fi
cd "$root"
exec "$JAVA_HOME/bin/java" "@$flags" -Xmx8g -jar "$jar" quality "$@"
