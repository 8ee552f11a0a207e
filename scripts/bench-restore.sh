#!/usr/bin/env bash
# Restore after kill -9 (RestoreAfterKill): the processor in its own JVM learns a million records of
# 100 models at d = 16, is killed with SIGKILL, and starts again on its state directory: time to
# RUNNING, to the first new prediction, and the records read back from the input topic.
# Usage: scripts/bench-restore.sh [records (1000000)] [snapshot.lag.records (100000)] [consumer.session.timeout.ms (45000)]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests test-compile
cp=$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java ${JAVA_OPTS:--Xmx1g} -cp "target/classes:target/test-classes:$cp" io.gapwatch.benchmarks.RestoreAfterKill "$@"
