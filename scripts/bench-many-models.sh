#!/usr/bin/env bash
# The stream processor with many model keys (ManyModelsThroughput): 10,000 models against one key,
# d = 128 models with a cache for a fifth of them, and restart times. One in-process broker.
# Usage: scripts/bench-many-models.sh [quick]      (JAVA_OPTS: default -Xmx1g, the heap the check names)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests test-compile
cp=$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java ${JAVA_OPTS:--Xmx1g} -cp "target/classes:target/test-classes:$cp" io.gapwatch.benchmarks.ManyModelsThroughput "$@"
