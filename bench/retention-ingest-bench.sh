#!/usr/bin/env bash
# What history retention costs ingest: changed reports (a new snapshot each), closed loop and open
# loop at 300/s, on H2 and PostgreSQL, three servers one after the other in one run:
#   before   the build before retention (a3f9f6a~1), built in a temporary worktree;
#   within   this tree, every host within its limits (10,000 snapshots each: nothing pruned);
#   pruning  this tree with fabricscope.history.max-snapshots-per-host=100: past a host's first
#            100 snapshots every changed report also removes its oldest one.
# Usage: bench/retention-ingest-bench.sh [SECONDS] [CLIENTS] [WARMUP_SECONDS]
#        BEFORE_JAR=path/to/quarkus-run.jar skips building the earlier server.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
before=${BEFORE_JAR:-}
if [ -z "$before" ]; then
  tree=$(mktemp -d /tmp/fabricscope-before-XXXXXX)
  trap 'git worktree remove --force "$tree" 2>/dev/null || true' EXIT
  git worktree add -q --detach "$tree" a3f9f6a~1
  (cd "$tree" && mvn -B -q package -DskipTests)
  before=$tree/target/quarkus-app/quarkus-run.jar
fi
export BENCH_MODES="${BENCH_MODES:-changed 0;changed 300}"
echo "## before: $(git log -1 --format='%h %s' a3f9f6a~1 | cut -c1-80)"
BENCH_JAR=$before bench/ingest-bench.sh "$@"
echo "## within the limits: $(git log -1 --format='%h' HEAD)"
bench/ingest-bench.sh "$@"
echo "## pruning: max-snapshots-per-host=100"
BENCH_SERVER_OPTS="-Dfabricscope.history.max-snapshots-per-host=100" bench/ingest-bench.sh "$@"
