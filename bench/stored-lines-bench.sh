#!/usr/bin/env bash
# The redaction of stored kernel command lines (StoredLineRedaction: one row per transaction, run
# by a server after its start) on an H2 file database of ROWS snapshots of a real report: the agent's `collect --of json` of the H200 host's gathered tree
# (fixtures/gpu-hosts), half of the rows with an old agent's unredacted command line. Prints its
# time beside a plain read of every stored report in the same run.
# Usage: bench/stored-lines-bench.sh [ROWS ...]   (default: 1000 10000)
# Needs: the packaged server (target/quarkus-app) and agent (agent/target), JDK 17, tar, bzip2.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build the server first (mvn -B package)" >&2; exit 2; }
[ -f agent/target/fabricscope-agent.jar ] || { echo "build the agent first" >&2; exit 2; }
fixtures=${FABRICSCOPE_FIXTURES:-$here/../shared/fixtures}
work=$(mktemp -d /tmp/fabricscope-linesbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tree"
tar -xjf "$fixtures/gpu-hosts/h200-passthrough.tar.bz2" -C "$work/tree" --strip-components=1 --no-same-owner
java -jar agent/target/fabricscope-agent.jar collect --fsroot "$work/tree" --of json > "$work/report.json"
cp="$here/target/quarkus-app/app/*:$here/target/quarkus-app/lib/main/*:$here/target/quarkus-app/lib/boot/*"
echo "# $(date -u +%FT%TZ) @ $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for rows in ${@:-1000 10000}; do
  rm -rf "$work/db"
  java -cp "$cp" bench/migration/MigrationV8Bench.java "$work/db" "$work/report.json" "$rows" 2>&1 |
    grep -v ' INFO \| WARN '
done
