#!/usr/bin/env bash
# The sixth security review's HIGH, replayed against the packaged server (target/quarkus-app) with
# the chart's JVM settings: 16 parallel 60 MB uploads each without a token (reports, imports), with
# a made-up token, and with a valid operator token (imports). Before the body gate the server read
# every body whole and ran its heap out; now each refusal comes before the body is read (up=0) and
# the operator's uploads beyond fabricscope.request-body-budget get 503. Prints a line per round.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18941}
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
head -c 60000000 /dev/zero > "$dir/big.bin"
java -Xmx1434m -XX:+ExitOnOutOfMemoryError -Dquarkus.http.port="$port" \
  -Dfabricscope.data-dir="$dir/data" -Dfabricscope.admin-token=flood-admin \
  -Dfabricscope.demo.seed=false -jar target/quarkus-app/quarkus-run.jar > "$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do curl -sf "localhost:$port/q/health" > /dev/null && break; sleep 1; done
op=$(curl -s -H 'Authorization: Bearer flood-admin' -H 'Content-Type: application/json' \
  -d '{"name":"flood-op","role":"operator"}' "localhost:$port/api/v1/tokens" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
round() { # label, path, header lines (curl -H arguments)
  local label=$1 path=$2 pids=() t0 t1
  shift 2
  t0=$(date +%s%N)
  for i in $(seq 16); do
    curl -s -o /dev/null -w '%{http_code} up=%{size_upload}\n' "$@" \
      --data-binary @"$dir/big.bin" "localhost:$port$path" > "$dir/$label.$i" &
    pids+=($!)
  done
  wait "${pids[@]}"
  t1=$(date +%s%N)
  echo "$label: status $(cut -d' ' -f1 "$dir/$label".* | sort | uniq -c | tr -s ' \n' ' ')|" \
    "bytes sent $(cut -d' ' -f2 "$dir/$label".* | sort | uniq -c | tr -s ' \n' ' ')|" \
    "wall $(((t1 - t0) / 1000000)) ms | health $(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/q/health")"
}
round unauthenticated-report /api/v1/reports -H 'Content-Type: application/json'
round unauthenticated-import '/api/v1/imports?name=x' -H 'Content-Type: application/octet-stream'
round made-up-token-import '/api/v1/imports?name=x' -H 'Authorization: Bearer made-up'
round operator-import '/api/v1/imports?name=x' -H "Authorization: Bearer $op"
echo "OutOfMemoryError in the server log: $(grep -c OutOfMemoryError "$dir/server.log" || true)"
