#!/usr/bin/env bash
# Host selection through the HTTP API at fleet size (issue 13, acceptance 5): imports N hosts
# (default 10,000: copies of the DGX-2, LLNL Lassen and the 137-function Dell gather, in turn) into
# the packaged server on loopback (H2), then times POST /api/v1/plans/select for a job of 4 GPUs ×
# 1 NIC port with a 1 GB/s floor: the first request (every host's offer computed from its stored
# report) and REPEATS requests after it (offers cached by snapshot id), whole answer read by curl.
# Then the restart case: the server stopped and started again on the same database, and the first
# request timed from the moment it answers ready, then REPEATS more.
# Usage: bench/select-bench.sh [HOSTS] [REPEATS]     (needs curl and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-10000}
repeats=${2:-20}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/fabricscope-select-XXXXXX)
port=${PORT:-18483}
admin=bench-admin-secret
server=
start_server() { # the same data directory each time
  java -Xmx2g -Dquarkus.http.port=$port -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
    -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
    -Dquarkus.log.category.\"dev.fabricscope.plans\".level=DEBUG \
    -jar target/quarkus-app/quarkus-run.jar >> "$work/server.log" 2>&1 &
  server=$!
  local t0=$(date +%s.%N)
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.1; done
  echo "# server ready $(echo "$(date +%s.%N) - $t0" | bc) s after start"
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=; }
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
start_server
base="http://127.0.0.1:$port"
auth=(-H "Authorization: Bearer $admin")
i=0
for f in hwloc-xml/nvidiaDGX2.xml hwloc-xml/llnl-lassen.xml "sysfs/hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2"; do
  curl -sf -o /dev/null "${auth[@]}" -H 'Content-Type: application/octet-stream' \
    --data-binary @"../shared/fixtures/$f" "$base/api/v1/imports?host=seed$i"
  curl -sf "${auth[@]}" "$base/api/v1/hosts/seed$i/topology" > "$work/seed$i.json"
  i=$((i + 1))
done
python3 - "$base" "$admin" "$work" "$hosts" <<'PY'
import concurrent.futures as cf, json, sys, time, urllib.request
base, tok, work, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seeds = [json.load(open(f'{work}/seed{i}.json')) for i in range(3)]
def post(i):
    seed = seeds[i % 3]
    name = 'sel-%05d' % i
    r = dict(seed, host=dict(seed['host'], name=name))
    req = urllib.request.Request(base + '/api/v1/imports?host=' + name, data=json.dumps(r).encode(),
        method='POST', headers={'Authorization': 'Bearer ' + tok, 'Content-Type': 'application/json'})
    with urllib.request.urlopen(req) as resp:
        return resp.status
t = time.time()
with cf.ThreadPoolExecutor(4) as ex:
    codes = set(ex.map(post, range(n - 3)))
print(f'# {n} hosts in the inventory ({n - 3} imported in {time.time() - t:.1f} s, statuses {sorted(codes)})')
PY
echo "# $(date -u +%FT%TZ) @ $(git rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
job='{"gpusPerHost":4,"nicsPerGpu":1,"minGpuNicGBps":1}'
sel() { curl -s -o "$work/sel.json" -w '%{http_code} %{time_total}\n' "${auth[@]}" -H 'Content-Type: application/json' -d "$job" "$base/api/v1/plans/select"; }
measure() { # $1 = what the first request follows
  local first
  first=$(sel)
  python3 - "$work/sel.json" "$first" "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); code, t = sys.argv[2].split()
print(f'first request {sys.argv[3]}: HTTP {code}, {float(t) * 1000:.0f} ms, {len(s["qualified"])} qualified, {len(s["rejected"])} rejected')
PY
  for _ in $(seq 1 "$repeats"); do sel; done | awk '{print $2}' | sort -n |
    awk '{a[NR]=$1} END {printf "following requests: n=%d median %.0f ms, p95 %.0f ms, max %.0f ms\n", NR, a[int((NR+1)/2)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'
}
measure "after the import"
stop_server
start_server
echo "# restarted: load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "after the restart" 
# the warm-ups as the server logged them (offers read back, planned from reports, how long)
grep -o 'host selection: .*' "$work/server.log" || true
