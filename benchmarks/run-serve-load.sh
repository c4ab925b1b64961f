#!/usr/bin/env bash
# The load of issue 17 on `segment serve`, loopback only, bounded (4 phases of --seconds each plus
# warm-up), a run published in the middle of each phase, every answer checked. Builds the jars when
# needed. Options (ServeLoad): --rows 100000 --seconds 10 --lookup-rate 5000 --predict-rate 1000
# --concurrency 32 --predict-rows 1 --phases lookup-rate,lookup-max,predict-rate,predict-max
# --server-opt JVMOPTION (repeatable) --timeline DIR (each request's due time and latency, CSV per phase). Exit status 1 when an answer was an error or wrong.
# The generator is one event loop over the connections (LoadLoop). The table also gives each JVM's CPU per request over the phase
# and the cores other processes used meanwhile (and the hypervisor stole), and the run time of the kernel's DAMON reclaim threads (kdamond), so a run that shared the machine says so.
set -euo pipefail
. "$(dirname "$0")/bench-jar.sh" run-serve-load
[ -f server/target/segmenta-server.jar ] || ./mvnw -B -q -Dstyle.color=never -DskipTests -pl server -am package >&2
# LOAD_JAVA_OPTS: extra options for the generator JVM (e.g. -Xlog:gc).
exec "$JAVA_HOME/bin/java" "@$flags" -Xms2g -Xmx2g ${LOAD_JAVA_OPTS:-} -cp "$jar" io.segmenta.bench.ServeLoad "$@"
