#!/usr/bin/env bash
# Host memory copy bandwidth, our C helper vs mbw (Debian's mbw 1.2.2, MEMCPY test) at the same
# sizes, side by side in one run (issue 10, acceptance 7). For each size, ROUNDS rounds alternate
# the two (so load from other work hits both alike); each run copies one buffer REPS times, one
# thread, numa:0 -> numa:0:
#   ours: fabricscope-agent bandwidth --kind host-memcpy --size S --repeat REPS --format json
#         (median of its samples; GB/s = 10^9 bytes copied per second)
#   mbw:  mbw -q -n REPS -t0 S_MiB (median of its per-iteration "Copy: X MiB/s" lines, x 2^20/10^9)
# The table gives the median over rounds of each and their ratio (target >= 0.95).
# Usage: bench/membw-bench.sh [ROUNDS] [REPS] [SIZES_MIB]   e.g. bench/membw-bench.sh 7 20 "16 256"
# Needs: mbw (apt-get install mbw), JDK 17, the agent jar (built if missing), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
reps=${2:-20}
sizes=${3:-4 16 64 256 1024}
jar=agent/target/fabricscope-agent.jar
[ -f "$jar" ] || mvn -B -q -f agent/pom.xml package -DskipTests
command -v mbw >/dev/null || { echo "mbw not installed (apt-get install mbw)" >&2; exit 2; }
median() { python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD), $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "mbw $(dpkg-query -W -f='${Version}' mbw 2>/dev/null), ${rounds} rounds x ${reps} copies"
echo "| size | ours GB/s (median of rounds) | mbw GB/s (median of rounds) | ours / mbw | ours per round | mbw per round |"
echo "|---:|---:|---:|---:|---|---|"
for s in $sizes; do
  ours=() theirs=()
  for _ in $(seq 1 "$rounds"); do
    o=$(java -jar "$jar" bandwidth --kind host-memcpy --size "${s}M" --repeat "$reps" --format json \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["measuredGBps"])')
    m=$(mbw -q -n "$reps" -t0 "$s" | awk '$1 ~ /^[0-9]+$/ && /MEMCPY/ {print $(NF-1) * 1048576 / 1e9}')
    ours+=("$o")
    theirs+=("$(median $m)")
  done
  mo=$(median "${ours[@]}")
  mm=$(median "${theirs[@]}")
  ratio=$(python3 -c "print('%.3f' % ($mo / $mm))")
  echo "| ${s} MiB | $mo | $mm | $ratio | ${ours[*]} | ${theirs[*]} |"
done
