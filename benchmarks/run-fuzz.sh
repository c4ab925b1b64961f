#!/usr/bin/env bash
# Long fuzzing runs: each Jazzer target for DURATION (default 10m), one after another, with the
# project's JVM flags. Findings fail the run and are written under engine/src/test/resources/.../*Inputs/.
# Usage: benchmarks/run-fuzz.sh [DURATION]   (e.g. 10m, 1h)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-10m}
cd "$root"
./mvnw -B -q -DskipTests install >&2
for t in 'ModelFileFuzzTest#decode' 'ModelFileFuzzTest#payload' StoreHeaderFuzzTest 'CsvIngestFuzzTest#features' 'CsvIngestFuzzTest#transactions'; do
  echo "run-fuzz: $t for $duration" >&2
  JAZZER_FUZZ=1 ./mvnw -B -pl engine surefire:test -Dtest="$t" -Djazzer.max_duration="$duration" -Dsurefire.failIfNoSpecifiedTests=false \
    | grep -E "DONE|Tests run:|FuzzTestFinding|crash-" || true
done
