#!/usr/bin/env bash
# Cold start of the agent CLI as a whole process (issue 11): `topo --input` on the DGX-2 hwloc XML,
# beside `lstopo-no-graphics -i` on the same file, N rounds of every command (default 10), median and min of the
# wall time (date +%s%N around each process). Output goes to /dev/null; stderr is kept per command
# in $TMPDIR for a look when a row says "exit != 0".
#
#   mvn -B -q -f agent/pom.xml package -DskipTests    # the jar and its AppCDS archive
#   bench/cli-cold-start.sh [N]
#
# The DGX-2 file is an hwloc 3.0 XML: Debian 12's hwloc 2.9 refuses it ("cannot import XML version
# 3.0 > 2"), so lstopo is timed on it as it is (it fails fast) and on a copy whose only change is
# version="2.0" (hwloc 2.9 then loads it, with a warning about one <info> after the root).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-10}
xml=${DGX2_XML:-../shared/fixtures/hwloc-xml/nvidiaDGX2.xml}
[[ -f $xml ]] || xml=src/main/resources/demo/nvidiaDGX2.xml
jar=agent/target/fabricscope-agent.jar
jsa=agent/target/fabricscope-agent-inspect.jsa
java=${JAVA:-java}
[[ -f $jar ]] || { echo "no $jar: mvn -B -q -f agent/pom.xml package -DskipTests" >&2; exit 1; }
[[ -f $jsa ]] || echo "warning: no $jsa: the AppCDS rows run without an archive" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's/<topology version="3.0">/<topology version="2.0">/' "$xml" >"$work/dgx2-v2.xml"

labels=()
commands=()
# one row: label, then the command (its words separated by the unit separator)
row() {
  labels+=("$1")
  shift
  local IFS=$'\x1f'
  commands+=("$*")
}

# every command once per round, rounds repeated: a drift of this machine's speed (it is a shared
# virtual machine) then touches every row alike, where timing one row after another did not
measure_all() {
  local n=${#commands[@]} r k t0 t1
  local -a times
  for ((r = 0; r < runs; r++)); do
    for ((k = 0; k < n; k++)); do
      local IFS=$'\x1f'
      # shellcheck disable=SC2206
      local cmd=(${commands[k]})
      unset IFS
      t0=$(date +%s%N)
      "${cmd[@]}" >/dev/null 2>"$work/stderr-$k" || echo "$k" >>"$work/failed"
      t1=$(date +%s%N)
      times[k]+="$(((t1 - t0) / 1000)) "
    done
  done
  for ((k = 0; k < n; k++)); do
    local sorted median min rc=0
    sorted=$(printf '%s\n' ${times[k]} | sort -n)
    median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2) {print $1}')
    min=$(echo "$sorted" | head -1)
    grep -qx "$k" "$work/failed" 2>/dev/null && rc="!= 0"
    printf '| %-50s | %6.3f | %6.3f | %s |\n' "${labels[k]}" "$(echo "$median / 1000000" | bc -l)" \
      "$(echo "$min / 1000000" | bc -l)" "$rc"
  done
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "java: $("$java" -version 2>&1 | head -2 | tail -1)  lstopo: $(lstopo-no-graphics --version)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  runs: $runs  file: $xml"
echo
# a report as JSON, as `collect --of json` writes it on a host (here: the QEMU rig's gathered tree)
report="$work/rig-report.json"
env JAVA="$java" agent/bin/fabricscope-agent collect --of json \
  --fsroot src/main/resources/demo/qemu-rig-iommu.tar.gz >"$report"
echo "| command | median s | min s | exit |"
echo "|---|---|---|---|"
thp=(-XX:+UseTransparentHugePages)
row "lstopo-no-graphics -i (hwloc 3.0 file)" lstopo-no-graphics -i "$xml"
row "lstopo-no-graphics -i (version=\"2.0\" copy)" lstopo-no-graphics -i "$work/dgx2-v2.xml"
row "java -version (JVM floor)" "$java" -Xshare:auto -version
row "java -jar ... --version (CLI floor)" "$java" -jar "$jar" --version
row "java -jar ... topo" "$java" -jar "$jar" topo --input "$xml"
row "java AppCDS -jar ... topo" "$java" -XX:SharedArchiveFile="$jsa" -jar "$jar" topo --input "$xml"
row "java AppCDS+C1+SerialGC-PerfData -jar ... topo" "$java" -XX:SharedArchiveFile="$jsa" \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -jar "$jar" topo --input "$xml"
row "java AppCDS+C1+SerialGC-PerfData+THP -jar ... topo" "$java" -XX:SharedArchiveFile="$jsa" \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData "${thp[@]}" -jar "$jar" topo --input "$xml"
row "agent/bin/fabricscope-agent --version" env JAVA="$java" agent/bin/fabricscope-agent --version
row "agent/bin/fabricscope-agent topo" env JAVA="$java" agent/bin/fabricscope-agent topo --input "$xml"
row "agent/bin/fabricscope-agent topo --format json" env JAVA="$java" agent/bin/fabricscope-agent \
  topo --format json --input "$xml"
row "agent/bin/fabricscope-agent topo (report JSON)" env JAVA="$java" agent/bin/fabricscope-agent \
  topo --input "$report"
measure_all
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
