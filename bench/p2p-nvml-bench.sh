#!/usr/bin/env bash
# The fifth security review's report shape (many GPUs, each with an "nvml" object) against the P2P
# verdict code before and after the fix, in one run on one machine. Compiles core/src/main/java of
# BEFORE (a git ref, default the fix's parent commit 9303770) and of this checkout with javac, writes
# NvmlHosts.manyGpus reports of SIZES GPUs (8 root buses, GPUs/32 NICs, seed 7) with this checkout's
# classes, then per size and code times FleetFindings.forHost and FastMatrix.allPairs, each in a
# fresh JVM: once for the old code (minutes), three times in a row for the new (first run is JIT
# cold). A run past TIMEOUT_S (default 900) is printed as "> TIMEOUT_S s".
# Usage: bench/p2p-nvml-bench.sh [BEFORE] [SIZES]     e.g. bench/p2p-nvml-bench.sh main "500 2000"
# Needs: JDK 17, Maven (offline is fine) for the dependency classpath; MVN overrides the command
# (e.g. MVN="flock /tmp/maven.lock mvn" where builds must not overlap).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:-9303770}
sizes=${2:-500 2000}
timeout_s=${TIMEOUT_S:-900}
work=$(mktemp -d /tmp/fabricscope-nvmlbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
${MVN:-mvn} -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/deps.txt" -Dmdep.includeScope=compile
deps=$(cat "$work/deps.txt")
git archive "$before" core/src/main/java | tar -x -C "$work" --transform 's,^core/src/main/java,before-src,'
compile() { # OUT SRC...: every .java below the SRC folders
  find "${@:2}" -name '*.java' > "$work/files.txt"
  javac -nowarn -encoding UTF-8 -proc:none -d "$1" -cp "$deps" @"$work/files.txt" 2>&1 | grep -v '^Note:' || true
}
compile "$work/before" "$work/before-src"
compile "$work/after" core/src/main/java
javac -nowarn -d "$work/gen" -cp "$work/after:$deps" core/src/testFixtures/java/dev/fabricscope/topology/NvmlHost*.java \
  core/src/testFixtures/java/dev/fabricscope/topology/SyntheticHosts.java bench/p2p-nvml/NvmlBench.java
# shellcheck disable=SC2086 # SIZES is a list
java -cp "$work/gen:$work/after:$deps" NvmlBench gen "$work" $sizes
echo "# $(date -u +%FT%TZ) before $(git rev-parse --short "$before") after $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')," \
  "$(nproc) cores, $(java -version 2>&1 | head -1)"
echo "| GPUs | report | what | before ms | after ms (3 runs, one JVM) |"
echo "|---:|---:|---|---:|---|"
run() { # CLASSES FILE OP REPEAT
  timeout "$timeout_s" java -Xmx2g -cp "$work/gen:$1:$deps" NvmlBench run "$2" "$3" "$4" || echo "> $timeout_s s"
}
for n in $sizes; do
  f="$work/r$n.json"
  for op in findings matrix; do
    what=$([ $op = findings ] && echo "FleetFindings.forHost" || echo "FastMatrix.allPairs")
    old=$(run "$work/before" "$f" $op 1)
    new=$(run "$work/after" "$f" $op 3)
    echo "| $n | $(( $(stat -c %s "$f") / 1024 )) KiB | $what | $old | $new |"
  done
done
