#!/usr/bin/env bash
# Scan-time benchmark: fabricscope's in-process discovery (steady state, as the agent's periodic
# loop runs it) next to hwloc's whole-process `lstopo-no-graphics --whole-io --of xml` with
# HWLOC_FSROOT on the same extracted trees. Prints a Markdown table for docs/benchmarks.md.
# Needs: Java 17, Maven (to build the agent jar), hwloc-nox, hyperfine, python3.
# Usage: bench/scan-bench.sh [SECONDS_PER_MEASUREMENT] [RUNS_PER_LSTOPO]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-3}
runs=${2:-40}
fixtures=${FABRICSCOPE_FIXTURES:-../shared/fixtures}/sysfs
jar=agent/target/fabricscope-agent.jar
[ -f "$jar" ] || mvn -B -q -f agent/pom.xml package -DskipTests
for tool in lstopo-no-graphics hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hwloc-nox hyperfine python3)" >&2; exit 2; }
done

base=/dev/shm; [ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/fabricscope-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$jar" bench/ScanBenchmark.java

dirs=()
for a in "$fixtures"/*.tar.gz "$fixtures"/*.tar.bz2; do
  name=$(basename "$a"); name=${name%.tar.*}
  mkdir -p "$work/$name"
  tar xf "$a" -C "$work/$name" 2>/dev/null
  root="$work/$name"
  [ -d "$root/sys" ] || root=$(dirname "$(find "$work/$name" -maxdepth 2 -type d -name sys | head -1)")
  ln -s "$root" "$work/trees-$name"
  dirs+=("$work/trees-$name")
done

java -XX:+UseSerialGC -cp "$jar:$work/classes" ScanBenchmark "$secs" "${dirs[@]}" > "$work/ours.tsv"

for d in "${dirs[@]}"; do
  name=$(basename "$d"); name=${name#trees-}
  HWLOC_FSROOT=$(readlink -f "$d") hyperfine -N --style none --warmup 5 --runs "$runs" \
    --export-json "$work/lstopo-$name.json" "lstopo-no-graphics --whole-io --of xml -" >/dev/null 2>&1
done

python3 - "$work" <<'PY'
import json, sys, os, statistics, subprocess, platform
work = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(work, "ours.tsv"))][1:]
hw = subprocess.run(["lstopo-no-graphics", "--version"], capture_output=True, text=True).stdout.strip()
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, load {os.getloadavg()[0]:.2f}; {java}; {hw}")
print()
print("| tree | functions | full scan median (p90) ms | rescan median (p90) ms | lstopo median (mean) ms | full / lstopo | rescan / lstopo |")
print("|---|---:|---:|---:|---:|---:|---:|")
for tree, fn, fmed, f90, rmed, r90, it in rows:
    name = tree[len("trees-"):] if tree.startswith("trees-") else tree
    j = json.load(open(os.path.join(work, f"lstopo-{name}.json")))["results"][0]
    lmed = statistics.median(j["times"]) * 1000
    lmean = j["mean"] * 1000
    print(f"| {name} | {fn} | {float(fmed):.2f} ({float(f90):.2f}) | {float(rmed):.3f} ({float(r90):.3f}) "
          f"| {lmed:.1f} ({lmean:.1f}) | {float(fmed)/lmed:.2f} | {float(rmed)/lmed:.3f} |")
PY
