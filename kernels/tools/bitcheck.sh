#!/usr/bin/env bash
# Are two builds' OpenCL results the same bits? Runs tools/BitCheck.java on the kernels classes of
# this tree (./mvnw -pl kernels compile first) and on the kernels in OTHER_JAR (for example the
# benchmarks.jar of another commit, `./mvnw -pl benchmarks -am package -DskipTests` there), and
# diffs the digests. Needs an OpenCL device (PoCL will do) and a JDK 25 (JAVA=...).
# Usage: kernels/tools/bitcheck.sh OTHER_JAR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
other=$(realpath "$1")
java=${JAVA:-java}
javac=${JAVAC:-$(dirname "$(command -v "$java")")/javac}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here/.." && ./mvnw -B -q -o -pl kernels dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" >/dev/null)
mine="$here/target/classes:$(cat "$tmp/cp.txt")"
mkdir -p "$tmp/a" "$tmp/b"
"$javac" -cp "$mine" -d "$tmp/a" "$here/tools/BitCheck.java"
"$javac" -cp "$other" -d "$tmp/b" "$here/tools/BitCheck.java"
flags=@$here/target/classes/segmenta-jvm.args
"$java" "$flags" -Xmx2g -cp "$tmp/a:$mine" BitCheck > "$tmp/this.txt"
"$java" "$flags" -Xmx2g -cp "$tmp/b:$other" BitCheck > "$tmp/other.txt"
if diff "$tmp/other.txt" "$tmp/this.txt"; then echo "bitcheck: $(wc -l < "$tmp/this.txt") digests, all the same bits"; else echo "bitcheck: results differ" >&2; exit 1; fi
