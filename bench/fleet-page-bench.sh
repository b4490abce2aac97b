#!/usr/bin/env bash
# Fleet page with a large inventory (issue 5, acceptance 3): imports N copies of the DGX-2 report
# (default 10,000 hosts) into the packaged server on loopback (H2), then times 100 requests each of
# the fleet page's first page, a middle page and a name filter.
# Usage: bench/fleet-page-bench.sh [HOSTS]     (needs curl and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-10000}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/fabricscope-fleet-XXXXXX)
port=18482
admin=bench-admin-secret
java -Xmx1g -Dquarkus.http.port=$port -Dfabricscope.auth.anonymous-read=true -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
  -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar target/quarkus-app/quarkus-run.jar > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
tok=$(curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"name":"fleet-bench","role":"operator"}' "$base/api/v1/tokens" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
curl -sf -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/octet-stream' \
  --data-binary @../shared/fixtures/hwloc-xml/nvidiaDGX2.xml "$base/api/v1/imports?host=seed"
curl -sf "$base/api/v1/hosts/seed/topology" > "$work/seed.json"
python3 - "$base" "$tok" "$work/seed.json" "$hosts" <<'PY'
import concurrent.futures as cf, json, sys, time, urllib.request
base, tok, seed, n = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), int(sys.argv[4])
def post(i):
    name = 'fleet-%05d' % i
    r = dict(seed, host=dict(seed['host'], name=name))
    req = urllib.request.Request(base + '/api/v1/imports?host=' + name, data=json.dumps(r).encode(),
        method='POST', headers={'Authorization': 'Bearer ' + tok, 'Content-Type': 'application/json'})
    with urllib.request.urlopen(req) as resp:
        return resp.status
t = time.time()
with cf.ThreadPoolExecutor(8) as ex:
    codes = set(ex.map(post, range(n)))
print(f'# {n} hosts imported in {time.time() - t:.1f} s, statuses {sorted(codes)}')
PY
echo "# $(nproc) cores, $(java -version 2>&1 | head -1)"
for u in '/' "/?offset=$((hosts / 2))" '/?name=fleet-09'; do
  for _ in $(seq 1 100); do curl -s -o /dev/null -w '%{time_total}\n' "$base$u"; done | sort -n |
    awk -v u="$u" '{a[NR]=$1} END {printf "%s\tn=%d\tmedian %.0f ms\tp95 %.0f ms\tmax %.0f ms\n", u, NR, a[int(NR/2)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'
done
