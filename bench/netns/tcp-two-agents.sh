#!/usr/bin/env bash
# A TCP bandwidth test between two agents in two network namespaces, orchestrated by the server
# (issue 10, acceptance 2). Everything lives in namespaces this script creates and deletes: a
# bridge namespace (no address), the server's (10.77.0.1) and one per agent (10.77.0.2, .3), each
# agent with its own host name (UTS namespace). No address is added outside them.
#
#   bench/netns/tcp-two-agents.sh [OUT_FILE]       (as root; needs ip, unshare, iperf3, curl, java)
#
# Uses the packaged server (target/quarkus-app) and agent (agent/target/fabricscope-agent.jar) of
# this checkout. Prints the finished job as JSON and exits 0 only when it was stored with a
# measurement; exit 77 when the machine cannot run it (not root, a tool missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${1:-}
DURATION=${DURATION:-3}   # seconds of the iperf3 stream
JOBS=${JOBS:-1}           # tests one after another (the first of fresh agents includes class loading)
BY_HAND=${BY_HAND:-}      # a file: the same iperf3 pair run by hand JOBS times, one wall time per line
SETTLE=${SETTLE:-0}       # seconds between the agents being ready and the first test (their start-up done)

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
for t in ip unshare iperf3 curl java; do command -v "$t" >/dev/null || skip "$t not installed"; done
[ -f target/quarkus-app/quarkus-run.jar ] || skip "server not packaged (mvn package)"
[ -f agent/target/fabricscope-agent.jar ] || skip "agent not packaged (mvn -f agent/pom.xml package)"

S=$$
NS_BR=fsbr-$S NS_SRV=fssrv-$S NS_A=fsa-$S NS_B=fsb-$S
WORK=$(mktemp -d /tmp/fabricscope-netns.XXXXXX)
ADMIN=admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
PORT=18080
SRV=http://10.77.0.1:$PORT
pids=()

cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in $NS_A $NS_B $NS_SRV $NS_BR; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9; ip netns del "$n" 2>/dev/null; done
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

for n in $NS_BR $NS_SRV $NS_A $NS_B; do ip netns add "$n"; done
ip -n $NS_BR link add br0 type bridge
ip -n $NS_BR link set br0 up
i=1
for n in $NS_SRV $NS_A $NS_B; do
  ip -n $NS_BR link add "v$i" type veth peer name eth0 netns "$n"
  ip -n $NS_BR link set "v$i" master br0 up
  ip -n "$n" addr add "10.77.0.$i/24" dev eth0
  ip -n "$n" link set eth0 up
  ip -n "$n" link set lo up
  i=$((i + 1))
done

in_srv() { ip netns exec $NS_SRV "$@"; }
api() { # METHOD PATH [JSON] with the admin token, from inside the server's namespace
  local m=$1 p=$2 body=${3:-}
  if [ -n "$body" ]; then
    in_srv curl -sS -m 20 -X "$m" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$body" "$SRV$p"
  else
    in_srv curl -sS -m 20 -X "$m" -H "Authorization: Bearer $ADMIN" "$SRV$p"
  fi
}

echo "starting the server in $NS_SRV" >&2
(cd "$WORK" && exec ip netns exec $NS_SRV java -Xmx512m -Dquarkus.http.host=10.77.0.1 -Dquarkus.http.port=$PORT \
  -Dfabricscope.admin-token="$ADMIN" -Dfabricscope.demo.seed=false -Dfabricscope.data-dir="$WORK/data" \
  -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$WORK/server.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 360); do
  in_srv curl -sf -o /dev/null -m 2 "$SRV/q/health/ready" && break
  sleep 0.5
done
in_srv curl -sf -o /dev/null "$SRV/q/health/ready" || { tail -30 "$WORK/server.log" >&2; echo "server did not start" >&2; exit 1; }

start_agent() { # NS HOSTNAME
  local ns=$1 name=$2
  local secret
  secret=$(api POST /api/v1/tokens "{\"name\":\"$name-agent\",\"role\":\"agent\",\"host\":\"$name\"}" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
  [ -n "$secret" ] || { echo "no agent token for $name" >&2; exit 1; }
  printf '%s' "$secret" >"$WORK/$name.token"
  chmod 600 "$WORK/$name.token"
  (exec ip netns exec "$ns" unshare --uts sh -c "hostname $name && JAVA_OPTS=-Xmx256m exec '$ROOT/agent/bin/fabricscope-agent' run \
     --server $SRV --token-file '$WORK/$name.token' --spool '$WORK/spool-$name' --interval 1h" >"$WORK/agent-$name.log" 2>&1) &
  pids+=($!)
}
start_agent $NS_A fs-a
start_agent $NS_B fs-b

# Both agents' first reports are stored and both reported their helpers.
stored() { [ "$(in_srv curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $ADMIN" "$SRV/api/v1/hosts/$1")" = 200 ]; }
for _ in $(seq 1 240); do
  a=$(api GET /api/v1/agents/fs-a/capabilities 2>/dev/null || true)
  b=$(api GET /api/v1/agents/fs-b/capabilities 2>/dev/null || true)
  case "$a$b" in *iperf3*iperf3*) stored fs-a && stored fs-b && break ;; esac
  sleep 0.5
done

sleep "$SETTLE"
for n in $(seq 1 "$JOBS"); do
  job=$(api POST /api/v1/bandwidth-tests \
    '{"kind":"tcp","source":{"host":"fs-a","endpoint":"addr:10.77.0.2"},"target":{"host":"fs-b","endpoint":"addr:10.77.0.3"},"size":"128K","repetitions":1,"durationSeconds":'"$DURATION"'}')
  id=$(printf '%s' "$job" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  [ -n "$id" ] || { echo "POST refused: $job" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
  echo "job $id queued" >&2
  state=queued
  for _ in $(seq 1 120); do
    cur=$(api GET "/api/v1/bandwidth-tests/$id")
    state=$(printf '%s' "$cur" | sed -n 's/.*"state":"\([a-z-]*\)".*/\1/p')
    case "$state" in passed|warned|failed|measured|error|cancelled|timed-out) break ;; esac
    sleep 0.5
  done
  [ "$n" -lt "$JOBS" ] && printf '%s\n' "$cur"
done
printf '%s\n' "$cur"
if [ -n "$BY_HAND" ]; then
  # What an operator does without fabricscope, in the same namespaces: start the server side,
  # wait until it listens, run the client; from the server's start to the client's exit.
  : >"$BY_HAND"
  for n in $(seq 1 "$JOBS"); do
    t0=$(date +%s.%N)
    ip netns exec $NS_B iperf3 -s -1 -p 5301 -B 10.77.0.3 -J >/dev/null 2>&1 &
    hs=$!
    until ip netns exec $NS_B ss -Hltn 'sport = :5301' | grep -q LISTEN; do sleep 0.001; done
    ip netns exec $NS_A iperf3 -c 10.77.0.3 -p 5301 -J -t "$DURATION" -l 131072 -B 10.77.0.2 >/dev/null
    t1=$(date +%s.%N)
    wait $hs || true
    echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$BY_HAND"
  done
fi
if [ -n "$OUT" ]; then
  {
    echo "# TCP test between two agents in two network namespaces, orchestrated by the server"
    echo "# $(date -u +%FT%TZ) on $(uname -nrm); iperf3 $(iperf3 --version | head -1)"
    echo "# job $id final state: $state"
    printf '%s\n' "$cur"
    echo "# agent fs-a log (tail)"; tail -n 5 "$WORK/agent-fs-a.log"
    echo "# agent fs-b log (tail)"; tail -n 5 "$WORK/agent-fs-b.log"
  } >"$OUT"
fi
case "$state" in
  passed|warned|failed|measured) printf '%s' "$cur" | grep -q '"measuredGBps":[0-9]' && exit 0 ;;
esac
echo "job $id ended $state" >&2
tail -n 30 "$WORK/agent-fs-a.log" "$WORK/agent-fs-b.log" >&2
exit 1
