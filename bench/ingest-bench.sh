#!/usr/bin/env bash
# Sustained ingest benchmark (issue 4, acceptance 7): 64 concurrent agents send reports of a
# ~300-function host to the packaged server on loopback, on H2 (embedded default) and on PostgreSQL
# (Debian's postgresql, a throwaway cluster in a temp dir). For each database and kind of report:
#   closed loop  - every agent sends its next report when the last is answered: the maximum rate;
#   open loop    - the agents together send at the target rate, each on its own schedule, latency
#                  measured from the scheduled time (no coordinated omission): the latency at the
#                  target.
# Usage: bench/ingest-bench.sh [SECONDS] [CLIENTS] [WARMUP_SECONDS]
#        (warm-up default 150 s: on 2 cores the server's C2 compiler was still busy 60-90 s into
#        the load, which a 60 s warm-up measured as ingest CPU; docs/benchmarks.md, 2026-12-05)
#        (run as root or as a user who can run initdb and su postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
clients=${2:-64}
warmup=${3:-150}
# BENCH_JAR: another build's server to measure (default: this tree's, built if missing)
jar=${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}
[ -f "$jar" ] || mvn -B -q package -DskipTests
[ -f agent/target/fabricscope-agent.jar ] || mvn -B -q -f agent/pom.xml package -DskipTests
work=$(mktemp -d /tmp/fabricscope-ingest-XXXXXX)
chmod 755 "$work"
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "${pgbin:-}" ] && su postgres -c "$pgbin/pg_ctl -D $work/pg stop -m fast" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# SyntheticHosts is a test fixture (core/src/testFixtures), not in the jar: compiled beside the load
javac -d "$work/load" -cp agent/target/fabricscope-agent.jar \
  core/src/testFixtures/java/dev/fabricscope/topology/SyntheticHosts.java bench/ingest/*.java
port=18480
admin=bench-admin-secret

# The load is many changed reports per host a second: the per-host rate of reports that need
# parsing (fabricscope.ingest.parsed-*, 12 a minute after 30) is lifted for it.
# A fresh server per run, so one run's history and heap do not weigh on the next.
start_server() { # $1 = label, rest = extra -D options
  local label=$1; shift
  rm -rf "$work/data-$label"
  java -Xmx1g -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
    -Dfabricscope.ingest.parsed-burst-per-host=2000000000 -Dfabricscope.ingest.parsed-per-minute-per-host=2000000000 \
    -Dfabricscope.data-dir="$work/data-$label" -Dquarkus.log.level=WARN ${BENCH_SERVER_OPTS:-} "$@" \
    -jar "$jar" > "$work/server-$label.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "server did not start: $(tail -5 "$work/server-$label.log")" >&2; exit 1
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=; }
run() { # $1 = db label, $2 = mode, $3 = rate (0 = closed loop), rest = server options
  local db=$1 mode=$2 rate=$3; shift 3
  start_server "$db" "$@"
  printf '%s\t' "$db"
  java -Dwarmup="$warmup" -cp "agent/target/fabricscope-agent.jar:$work/load" IngestLoad \
    "http://127.0.0.1:$port" "$admin" "$clients" "$secs" "$mode" "$rate" "$server" 2>/dev/null
  stop_server
}
modes=("unchanged 0" "unchanged 2000" "heartbeat 0" "changed 0" "changed 300" "changed-all 0" "changed-all 300")
# BENCH_MODES="changed 300;changed-all 300" and BENCH_DBS="postgresql" narrow the matrix;
# BENCH_SERVER_OPTS adds server options (e.g. -Dfabricscope.ingest.threads=8)
[ -n "${BENCH_MODES:-}" ] && IFS=';' read -r -a modes <<< "$BENCH_MODES"
dbs=${BENCH_DBS:-h2 postgresql}

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), clients=$clients, warm-up ${warmup}s, ${secs}s measured per run"
if [[ " $dbs " == *" h2 "* ]]; then
  for m in "${modes[@]}"; do
    # shellcheck disable=SC2086
    run h2 $m
  done
fi
[[ " $dbs " == *" postgresql "* ]] || exit 0

pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -c "$pgbin/initdb -D $work/pg -A trust -U postgres" >/dev/null
# Durable as in production (fsync, synchronous_commit and full_page_writes stay on); the WAL may
# grow to 4 GB between checkpoints, so a 20 s run at 12 MB/s of WAL does not hit a forced one.
su postgres -c "$pgbin/pg_ctl -D $work/pg -o '-p 15499 -k $work/pg -c max_connections=200 -c max_wal_size=4GB -c checkpoint_timeout=15min' -l $work/pg/pg.log start" >/dev/null
sleep 2
pg() { # a fresh database per run
  local db=bench$RANDOM
  su postgres -c "$pgbin/psql -q -h $work/pg -p 15499 -c 'CREATE DATABASE $db'" >/dev/null
  echo "-Dfabricscope.db.url=jdbc:postgresql://127.0.0.1:15499/$db"
}
for m in "${modes[@]}"; do
  # shellcheck disable=SC2086
  run postgresql $m "$(pg)" -Dfabricscope.db.user=postgres -Dfabricscope.db.password=
done
