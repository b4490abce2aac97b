#!/usr/bin/env bash
# Sustained ingest benchmark (issue 4, acceptance 7): 64 concurrent agents send full reports of a
# ~300-function host to the packaged server on loopback, unchanged and changed, on H2 (embedded
# default) and on PostgreSQL (Debian's postgresql, a throwaway cluster in a temp dir).
# Usage: bench/ingest-bench.sh [SECONDS] [CLIENTS]    (run as root or as a user who can run initdb)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
clients=${2:-64}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
[ -f agent/target/fabricscope-agent.jar ] || mvn -B -q -f agent/pom.xml package -DskipTests
work=$(mktemp -d /tmp/fabricscope-ingest-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${pgbin:-}" ] && su postgres -c "$pgbin/pg_ctl -D $work/pg stop -m fast" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
port=18480
admin=bench-admin-secret

run_server() { # $1 = label, rest = extra -D options
  local label=$1; shift
  java -Xmx1g -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
    -Dfabricscope.data-dir="$work/data-$label" -Dquarkus.log.level=WARN "$@" \
    -jar target/quarkus-app/quarkus-run.jar > "$work/server-$label.log" 2>&1 &
  pids+=($!)
  for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "server did not start: $(tail -5 "$work/server-$label.log")" >&2; exit 1
}
load() { # $1 = db label, $2 = mode
  printf '%s\t' "$1"
  java -cp agent/target/fabricscope-agent.jar bench/ingest/IngestLoad.java \
    "http://127.0.0.1:$port" "$admin" "$clients" "$secs" "$2" 2>/dev/null
}
stop_server() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; }

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), clients=$clients, ${secs}s per run"
run_server h2
load h2 unchanged
load h2 heartbeat
load h2 changed
stop_server

pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -c "$pgbin/initdb -D $work/pg -A trust -U postgres" >/dev/null
su postgres -c "$pgbin/pg_ctl -D $work/pg -o '-p 15499 -k $work/pg -c max_connections=200' -l $work/pg/pg.log start" >/dev/null
sleep 2
run_server pg -Dfabricscope.db.url=jdbc:postgresql://127.0.0.1:15499/postgres -Dfabricscope.db.user=postgres -Dfabricscope.db.password=
load postgresql unchanged
load postgresql heartbeat
load postgresql changed
stop_server
