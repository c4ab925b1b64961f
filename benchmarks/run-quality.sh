#!/usr/bin/env bash
# The quality mode measured: Centroid Index on every UEF set for k-means++ (n-init 10), the
# random-swap quality mode and scikit-learn KMeans(n_init=10); builds the benchmarks jar when needed.
# Options: --swaps N --seeds 1,2,3 --sets s1,a3 --sklearn true|false. Writes benchmarks/results/.
set -euo pipefail
. "$(dirname "$0")/bench-jar.sh" run-quality
exec "$JAVA_HOME/bin/java" "@$flags" -Xmx8g -jar "$jar" quality "$@"
