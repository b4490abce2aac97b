#!/usr/bin/env bash
# The seventh security review's HIGH, replayed against the packaged server (target/quarkus-app)
# with the chart's JVM settings: an agent sends one valid report of 8,000 GPUs and 8,000 NICs (about
# 12 MB, below the 16 MiB limit). Before the fix the background offer planning ran the heap out 66 s
# later and the JVM exited, and again after every restart (the start re-plans the stored snapshot).
# Prints the report's status, the server's health every 10 s, the host's /prediction and the
# selection, then the same after a restart on the same data. Usage: bench/planner-flood.sh [GPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18945}
n=${1:-8000}
dir=$(mktemp -d)
admin=flood-admin
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
. bench/lib/packaged-server.sh
watch() { # seconds
  for i in $(seq 10 10 "$1"); do
    sleep 10
    echo "  +$i s: health $(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/q/health")," \
      "server CPU $(ps -o cputime= -p "$server" 2>/dev/null || echo gone)"
  done
}
asks() {
  local a="Authorization: Bearer flood-admin"
  echo "  /prediction: $(curl -s -o "$dir/p.json" -w '%{http_code} in %{time_total} s, %{size_download} bytes' \
    -H "$a" "localhost:$port/api/v1/hosts/hosta/prediction")"
  echo "  $(head -c 300 "$dir/p.json")"
  echo "  /plans/select: $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H "$a" \
    -H 'Content-Type: application/json' -d '{"gpusPerHost":1}' "localhost:$port/api/v1/plans/select")"
}
python3 bench/planner-flood/big_host.py src/test/resources/valid-report.json hosta "$n" "$n" \
  > "$dir/report.json"
start_server
agent=$(make_token flood-agent agent hosta)
echo "report of $n GPUs and $n NICs ($(stat -c %s "$dir/report.json") bytes):" \
  "$(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H "Authorization: Bearer $agent" \
    -H 'Content-Type: application/json' --data-binary @"$dir/report.json" \
    "localhost:$port/api/v1/reports")"
watch 90
asks
kill "$server"
wait "$server" 2>/dev/null || true
echo "restarted on the same data:"
start_server
watch 60
asks
echo "OutOfMemoryError in the server log: $(grep -c OutOfMemoryError "$dir/server.log" || true)"
grep -E "not planned|planner" "$dir/server.log" | head -5 || true
