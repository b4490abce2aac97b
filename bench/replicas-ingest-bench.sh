#!/usr/bin/env bash
# Ingest with two server replicas on one PostgreSQL beside one replica (issue 15, acceptance 5).
# The same load as bench/ingest-bench.sh (bench/ingest/IngestLoad: N agents, each its own token,
# host and keep-alive connection, 274-function synthetic reports) against one packaged server, then
# against two packaged servers sharing the same PostgreSQL (Debian's, a throwaway cluster, durable
# settings), the agents spread over the two in turn. On 2 cores the replicas share the CPU with
# each other, PostgreSQL and the load generator: the point is that everything still works and what
# the second replica costs (its notices, its LISTEN connection, two JVMs), not a speed-up.
# Usage: bench/replicas-ingest-bench.sh [SECONDS] [CLIENTS] [WARMUP_SECONDS]
#        (run as root or as a user who can run initdb and su postgres)
# BENCH_MODES="changed 0;changed 300" narrows the modes (IngestLoad MODE RATE, 0 = closed loop).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
clients=${2:-64}
warmup=${3:-60}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
[ -f agent/target/fabricscope-agent.jar ] || mvn -B -q -f agent/pom.xml package -DskipTests
work=$(mktemp -d /tmp/fabricscope-replicas-XXXXXX)
chmod 755 "$work"
pids=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  su postgres -c "$pgbin/pg_ctl -D $work/pg stop -m fast" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
javac -d "$work/load" -cp agent/target/fabricscope-agent.jar \
  core/src/testFixtures/java/dev/fabricscope/topology/SyntheticHosts.java bench/ingest/*.java
admin=bench-admin-secret
pgport=15599
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -c "$pgbin/initdb -D $work/pg -A trust -U postgres" >/dev/null
su postgres -c "$pgbin/pg_ctl -D $work/pg -o '-p $pgport -k $work/pg -c max_connections=200 -c max_wal_size=4GB -c checkpoint_timeout=15min' -l $work/pg/pg.log start" >/dev/null
sleep 2

start_replica() { # $1 = port, $2 = database; the replica's pid is appended to pids
  java -Xmx1g -Dquarkus.http.port="$1" -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
    -Dfabricscope.ingest.parsed-burst-per-host=2000000000 -Dfabricscope.ingest.parsed-per-minute-per-host=2000000000 \
    -Dfabricscope.db.url="jdbc:postgresql://127.0.0.1:$pgport/$2" -Dfabricscope.db.user=postgres \
    -Dfabricscope.bandwidth.time-out-taken-at-start=false -Dquarkus.log.level=WARN \
    -jar target/quarkus-app/quarkus-run.jar > "$work/server-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "replica on $1 did not start: $(tail -5 "$work/server-$1.log")" >&2; exit 1
}
run() { # $1 = replicas (1 or 2), rest = IngestLoad MODE RATE
  local n=$1 db=bench$RANDOM urls="" ids=""; shift
  su postgres -c "$pgbin/psql -q -h $work/pg -p $pgport -c 'CREATE DATABASE $db'" >/dev/null
  pids=()
  for i in $(seq 1 "$n"); do
    # one after the other: the first migrates the schema and creates the admin token
    start_replica $((18580 + i)) "$db"
    urls="${urls:+$urls,}http://127.0.0.1:$((18580 + i))"
  done
  ids=$(IFS=,; echo "${pids[*]}")
  printf 'replicas=%s\t' "$n"
  java -Dwarmup="$warmup" -cp "agent/target/fabricscope-agent.jar:$work/load" IngestLoad \
    "$urls" "$admin" "$clients" "$secs" "$@" "$ids" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  pids=()
}
modes=("unchanged 0" "changed 0" "changed 300")
[ -n "${BENCH_MODES:-}" ] && IFS=';' read -r -a modes <<< "$BENCH_MODES"
echo "# $(nproc) cores, $(java -version 2>&1 | head -1), PostgreSQL $($pgbin/postgres --version | awk '{print $3}'), clients=$clients, warm-up ${warmup}s, ${secs}s measured per run"
for m in "${modes[@]}"; do
  # shellcheck disable=SC2086
  run 1 $m
  # shellcheck disable=SC2086
  run 2 $m
done
