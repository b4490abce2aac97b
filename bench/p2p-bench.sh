#!/usr/bin/env bash
# GET /api/v1/hosts/{h}/p2p on synthetic hosts of 300 and 1,000 matrix devices (issue 9, item 4):
# starts the packaged server of CHECKOUT (default: this one) on loopback with its own H2 data dir,
# posts SyntheticHosts.nestedSwitches reports (generated with this checkout's classes, so old and
# new servers get the same bytes), and measures with bench/p2p/P2pBench.java: the first /p2p after
# start (300 devices), then after a warm-up of four 300-device hosts, per host size: one request to
# a snapshot not asked before (uncached), the same again (cached), six at once to another new
# snapshot, six more at once. Latency, response size, peak heap use (jstat every 10 ms, garbage
# included) and peak RSS above what they were before the request(s), heap kept after a GC.
# A request with no answer within TIMEOUT_S (default 150) is reported as "> TIMEOUT_S s"; the
# six-at-once runs are skipped for a size whose single request timed out.
# Usage: bench/p2p-bench.sh [CHECKOUT] [SIZES]     e.g. bench/p2p-bench.sh ../wt-old "300 1000"
# Needs: JDK 17 (java, jcmd, jstat), root or the server's owner (/proc/PID/clear_refs), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
checkout=$(cd "${1:-.}" && pwd)
sizes=${2:-300 1000}
timeout_s=${TIMEOUT_S:-150}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
[ -f "$checkout/target/quarkus-app/quarkus-run.jar" ] || { echo "build $checkout first" >&2; exit 2; }
work=$(mktemp -d /tmp/fabricscope-p2pbench-XXXXXX)
port=${PORT:-18483}
admin=bench-admin-secret
cp="$here/target/quarkus-app/app/*:$here/target/quarkus-app/lib/main/*"
# SyntheticHosts is a test fixture (core/src/testFixtures), not in the server: compiled beside it
javac -d "$work/fixtures" -cp "$cp" "$here/core/src/testFixtures/java/dev/fabricscope/topology/SyntheticHosts.java"
cp="$cp:$work/fixtures"
bench() { java -cp "$cp" "$here/bench/p2p/P2pBench.java" "$@"; }
bench gen "$work" 300 p2p-first p2p-warm-1 p2p-warm-2 p2p-warm-3 p2p-warm-4
for n in $sizes; do bench gen "$work" "$n" "p2p-$n-a" "p2p-$n-b"; done
# shellcheck disable=SC2086 # BENCH_SERVER_OPTS is a list of JVM options
java ${BENCH_SERVER_OPTS:-} -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin \
  -Dfabricscope.demo.seed=false -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar "$checkout/target/quarkus-app/quarkus-run.jar" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
echo "# $(date -u +%FT%TZ) $checkout @ $(git -C "$checkout" rev-parse --short HEAD)," \
  "$(nproc) cores, $(java -version 2>&1 | head -1), server options '${BENCH_SERVER_OPTS:-}'"
echo "| host | at once | status | latency | response | peak heap above before | peak RSS above before | heap kept |"
echo "|---|---|---|---|---|---|---|---|"
post() {
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary @"$work/$1.json" "$base/api/v1/reports"
}
for f in "$work"/*.json; do post "$(basename "$f" .json)"; done
# The server's very first /p2p runs its code interpreted (JIT cold); then four more hosts warm it
# up as any server in service is, and the rows after measure uncached (a snapshot's first request)
# and cached answers.
bench measure "300 devices, first /p2p after start" "$base/api/v1/hosts/p2p-first/p2p" $admin $server 1 "$timeout_s"
for w in 1 2 3 4; do curl -s -o /dev/null -m "$timeout_s" -H "Authorization: Bearer $admin" "$base/api/v1/hosts/p2p-warm-$w/p2p" || true; done
for n in $sizes; do
  row=$(bench measure "$n devices, uncached" "$base/api/v1/hosts/p2p-$n-a/p2p" $admin $server 1 "$timeout_s")
  echo "$row"
  case $row in *"> $timeout_s s"*) echo "| $n devices | 6 | not run: a single request does not answer ||||||"; continue ;; esac
  bench measure "$n devices, cached" "$base/api/v1/hosts/p2p-$n-a/p2p" $admin $server 1 "$timeout_s"
  bench measure "$n devices, uncached" "$base/api/v1/hosts/p2p-$n-b/p2p" $admin $server 6 "$timeout_s"
  bench measure "$n devices, cached" "$base/api/v1/hosts/p2p-$n-b/p2p" $admin $server 6 "$timeout_s"
done
