#!/usr/bin/env bash
# Bandwidth-test dispatch latency (issue 10, acceptance 7): POST /api/v1/bandwidth-tests to the
# moment the host's agent, waiting in its long poll, has the assignment; p50/p90/p99/max/mean over
# JOBS (default 200) after 30 warm-up jobs, on the packaged server (loopback, its own H2 data dir).
# Usage: bench/dispatch-bench.sh [JOBS]      Needs: JDK 17, curl, ../shared/fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
jobs=${1:-200}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/fabricscope-dispatchbench-XXXXXX)
port=${PORT:-18484}
admin=bench-admin-secret
# the bench creates tests faster than a caller may by default (100 at once, then 10 a second)
java -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
  -Dfabricscope.bandwidth.created-burst-per-caller=100000 \
  -Dfabricscope.bandwidth.created-per-minute-per-caller=100000 \
  -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar target/quarkus-app/quarkus-run.jar > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD), $(nproc) cores, $(java -version 2>&1 | head -1), H2"
echo "| jobs | p50 | p90 | p99 | max | mean |"
echo "|---|---|---|---|---|---|"
java "$here/bench/dispatch/DispatchBench.java" "http://127.0.0.1:$port" "$admin" \
  "$here/../shared/fixtures/sysfs/qemu-rig-plain.tar.gz" "$jobs"
