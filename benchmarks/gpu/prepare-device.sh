#!/usr/bin/env bash
# Packs what a lent GPU machine (which has no JDK) needs into .device/: a jlinked Java 25 runtime,
# the benchmarks jar (engine, backends, JMH), the kernels' test classes with the JUnit console
# launcher, and the project's JVM flags. Then run benchmarks/gpu/device-run.sh there, carrying .device.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
./mvnw -B -q -Dstyle.color=never -DskipTests install >&2
./mvnw -B -q -Dstyle.color=never -pl kernels test-compile >&2
junit=$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.14.4/junit-platform-console-standalone-1.14.4.jar
[ -f "$junit" ] || mvn -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 >&2
tmp=$(mktemp -d)
. bin/jdk25.sh
"$JAVA_HOME/bin/jar" cf "$tmp/kernels-tests.jar" -C kernels/target/test-classes .
bash ../shared/tools/device-jre.sh benchmarks/target/benchmarks.jar "$tmp/kernels-tests.jar" "$junit"
cp kernels/target/classes/segmenta-jvm.args .device/
rm -rf "$tmp"
