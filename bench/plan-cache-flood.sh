#!/usr/bin/env bash
# The seventh security review's plan-cache MEDIUM, replayed against the packaged server
# (target/quarkus-app) with the chart's JVM settings: an agent reports a host of 19,500 NICs (about
# 14 MB), an operator makes a plan of it with VERSIONS versions (IOMMU on and off by turns), a
# viewer opens every version's graph, then 8 previews at once. Before the fix the plan cache kept
# 64 whole reports (about 1 GB live after a full GC) and the previews ran the heap out. Prints the
# live heap after a full GC, the answers and whether the server is still up.
# Usage: bench/plan-cache-flood.sh [VERSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18947}
versions=${1:-70}
dir=$(mktemp -d)
admin=cache-admin
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
. bench/lib/packaged-server.sh
start_server
u="localhost:$port/api/v1"
json=(-H 'Content-Type: application/json')
agent="Authorization: Bearer $(make_token cache-agent agent hostb)"
op="Authorization: Bearer $(make_token cache-op operator)"
viewer="Authorization: Bearer $(make_token cache-viewer viewer)"
heap() { # live heap after a full GC
  jcmd "$server" GC.run > /dev/null
  jcmd "$server" GC.heap_info | sed -nE 's/.*garbage-first heap.*used ([0-9]+)K.*/\1/p' \
    | awk '{printf "%d MiB", $1 / 1024}' 
}
python3 bench/planner-flood/big_host.py src/test/resources/valid-report.json hostb 0 19500 \
  > "$dir/report.json"
echo "report ($(stat -c %s "$dir/report.json") bytes): $(curl -s -o /dev/null -w '%{http_code}' \
  -H "$agent" "${json[@]}" --data-binary @"$dir/report.json" "$u/reports")"
plan=$(curl -s -H "$op" "${json[@]}" -d '{"host":"hostb","name":"big"}' "$u/plans" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for v in $(seq 1 $((versions - 1))); do
  on=$([ $((v % 2)) = 1 ] && echo true || echo false)
  curl -s -o /dev/null -H "$op" "${json[@]}" \
    -d "{\"basedOn\":$v,\"edits\":[{\"op\":\"set-iommu\",\"enabled\":$on}]}" "$u/plans/$plan/versions"
done
echo "plan $plan with $versions versions; live heap: $(heap)"
codes=""
t0=$(date +%s)
for v in $(seq 1 "$versions"); do
  codes+=" $(curl -s -o /dev/null -w '%{http_code}' -H "$viewer" "$u/plans/$plan/versions/$v/graph")"
done
echo "viewer opened every version's graph in $(($(date +%s) - t0)) s:" \
  "$(tr ' ' '\n' <<< "$codes" | grep . | sort | uniq -c | tr -s ' \n' ' ')"
echo "live heap after: $(heap)"
for i in $(seq 8); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "$viewer" "${json[@]}" -d '{"edits":[]}' \
    "$u/plans/$plan/preview" > "$dir/preview.$i" &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
echo "8 previews at once: $(cat "$dir"/preview.* | sort | uniq -c | tr -s ' \n' ' ')"
echo "health: $(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/q/health");" \
  "live heap: $(heap); OutOfMemoryError in the log: $(grep -c OutOfMemoryError "$dir/server.log" || true)"
