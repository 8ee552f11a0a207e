#!/usr/bin/env bash
# End-to-end throughput of the stream processor (exactly-once) next to Kafka's ConsumerPerformance
# and two pass-through Kafka Streams apps with the same guarantee (8 bytes out per record; the input
# value forwarded), on one in-process broker, same input, several interleaved runs.
# Usage: scripts/bench-throughput.sh [records at d=16 (200000)] [records at d=128 (50000)] [runs (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests test-compile
cp=$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java ${JAVA_OPTS:-} -Xmx3g -cp "target/classes:target/test-classes:$cp" io.gapwatch.benchmarks.EndToEndThroughput "$@"
