#!/usr/bin/env bash
# The host page's graph on big hosts (issue 14, acceptance 2): starts the packaged server on
# loopback with its own H2 data dir, imports the DGX-2 (84 functions, 96 NVLinks), the 137-function
# Dell gather (the largest PCI tree among the fixtures) and a synthetic 1,000-endpoint host
# (SyntheticHosts.nestedSwitches: two switch levels, 64 endpoints per root port), then measures
# with bench/graphpage/GraphPageBench.java: GET /graph (REPEATS requests each after one untimed)
# and the time to an interactive host page in headless Chromium (LOADS loads each after one
# untimed: navigation start to the laid-out, clickable graph, and the driver's wall time).
# Usage: [MVN=...] bench/graph-page-bench.sh [LOADS] [REPEATS]   (needs chromium, chromedriver, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
loads=${1:-5}
repeats=${2:-50}
mvn=${MVN:-mvn} # e.g. MVN="flock /tmp/mvn.lock mvn" on a machine where builds share a lock
[ -f target/quarkus-app/quarkus-run.jar ] || $mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/fabricscope-graphbench-XXXXXX)
port=${PORT:-18484}
admin=bench-admin-secret
# Selenium from the test class path; SyntheticHosts is a test fixture, compiled beside the server
$mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/test.cp" >/dev/null
cp="$here/target/quarkus-app/app/*:$here/target/quarkus-app/lib/main/*"
javac -d "$work/fixtures" -cp "$cp" "$here/core/src/testFixtures/java/dev/fabricscope/topology/SyntheticHosts.java"
cp="$cp:$work/fixtures:$(cat "$work/test.cp")"
bench() { java -cp "$cp" "$here/bench/graphpage/GraphPageBench.java" "$@"; }
bench gen "$work" 1000 synthetic1000
java -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin -Dfabricscope.auth.anonymous-read=true \
  -Dfabricscope.demo.seed=false -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar target/quarkus-app/quarkus-run.jar > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
imp() {
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H "Content-Type: $3" \
    --data-binary @"$1" "$base/api/v1/imports?host=$2"
}
imp ../shared/fixtures/hwloc-xml/nvidiaDGX2.xml nvidiaDGX2 application/octet-stream
imp "../shared/fixtures/sysfs/hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2" dell137 application/octet-stream
imp "$work/synthetic1000.json" synthetic1000 application/json
echo "# $(date -u +%FT%TZ) @ $(git rev-parse --short HEAD), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $(/usr/bin/chromium --version 2>/dev/null)"
echo "| request | n | median | p95 | max | body |"
echo "|---|---|---|---|---|---|"
for h in nvidiaDGX2 dell137 synthetic1000; do bench graph "$base" $admin $h "$repeats"; done
echo
echo "| host page | loads | ready (median) | ready (max) | wall (median) | wall (max) |"
echo "|---|---|---|---|---|---|"
for h in nvidiaDGX2 dell137 synthetic1000; do bench page "$base" $h "$loads"; done
