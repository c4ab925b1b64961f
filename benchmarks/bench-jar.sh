# Sourced by the benchmark runners: picks JDK 25, sets $root, $jar and $flags, and (re)builds the
# benchmarks jar when it is missing or older than any pom or source. $1 names the runner in messages.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk25.sh"
jar=$root/benchmarks/target/benchmarks.jar
flags=$root/kernels/target/classes/segmenta-jvm.args
if [ ! -f "$jar" ] || [ ! -f "$flags" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "$1: building $jar ..." >&2
  "$root/mvnw" -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package >&2
fi
cd "$root"
