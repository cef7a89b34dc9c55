#!/usr/bin/env bash
# metrics-client.sh: the Prometheus Java client's JVM metrics against reading the MXBeans by hand
# (MetricsClientCost.java), ROUNDS fresh JVMs each, -Xmx64m: the figures behind drover writing its
# /metrics page itself (docs/performance.md, "Metrics"). Fetches the client (VERSION, default 1.10.0:
# prometheus-metrics-core, -instrumentation-jvm, -exposition-textformats) with Maven into a
# temporary directory, removed at the end.
set -euo pipefail
export LC_ALL=C
ROUNDS=${ROUNDS:-5}
VERSION=${VERSION:-1.10.0}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/drover-metrics-client.XXXXXX")
trap 'rm -rf "$W"' EXIT
deps=""
for a in prometheus-metrics-core prometheus-metrics-instrumentation-jvm prometheus-metrics-exposition-textformats; do
    deps="$deps<dependency><groupId>io.prometheus</groupId><artifactId>$a</artifactId><version>$VERSION</version></dependency>"
done
cat > "$W/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>bench</groupId><artifactId>metrics-client</artifactId><version>1</version>
<dependencies>$deps</dependencies></project>
POM
(cd "$W" && mvn -B -q dependency:copy-dependencies -DoutputDirectory=lib)
echo "the client's jars: $(find "$W/lib" -name '*.jar' | wc -l), $(du -ck "$W"/lib/*.jar | tail -1 | cut -f1) KiB"
javac -d "$W/classes" -cp "$W/lib/*" "$HERE/MetricsClientCost.java"
for ((r = 1; r <= ROUNDS; r++)); do
    for mode in client mxbeans; do
        java -Xmx64m -cp "$W/classes:$W/lib/*" MetricsClientCost "$mode"
    done
done
for mode in client mxbeans; do
    printf '%s classes loaded beyond the JDK archive: ' "$mode"
    java -Xmx64m -Xlog:class+load=info -cp "$W/classes:$W/lib/*" MetricsClientCost "$mode" | grep -c 'source: [^s]' || true
done
