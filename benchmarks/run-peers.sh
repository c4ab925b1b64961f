#!/usr/bin/env bash
# The side-by-side comparison with scikit-learn (and later peers): builds the benchmarks jar when
# needed, then runs `BenchMain peers` with the project's JVM flags. Options: see
# `benchmarks/run-peers.sh --help`. Writes the Markdown table to benchmarks/results/.
set -euo pipefail
. "$(dirname "$0")/bench-jar.sh" run-peers
exec "$JAVA_HOME/bin/java" "@$flags" -Xmx8g -jar "$jar" peers "$@"
