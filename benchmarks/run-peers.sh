#!/usr/bin/env bash
# The side-by-side comparison with scikit-learn (and later peers): builds the benchmarks jar when
# needed, then runs `BenchMain peers` with the project's JVM flags. Options: see
# `benchmarks/run-peers.sh --help`. Writes the Markdown table to benchmarks/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
jar=$root/benchmarks/target/benchmarks.jar
flags=$root/kernels/target/classes/segmenta-jvm.args
if [ ! -f "$jar" ] || [ ! -f "$flags" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "run-peers: building $jar ..." >&2
  "$root/mvnw" -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package >&2
fi
cd "$root"
exec "$JAVA_HOME/bin/java" "@$flags" -Xmx8g -jar "$jar" peers "$@"
