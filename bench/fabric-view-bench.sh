#!/usr/bin/env bash
# /fabric over many large reports (the fourth security review's HIGH finding): the packaged server
# with the Helm chart's heap and OOM behaviour (-Xmx1400m -XX:+ExitOnOutOfMemoryError), N hosts of
# about 1.6 MB each (default 150), then 12 parallel views twice. Prints the statuses and times and
# whether the server is still up. Usage: bench/fabric-view-bench.sh [HOSTS]   (needs curl, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-150}
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/fabricscope-fabric-XXXXXX)
port=18483
admin=bench-admin-secret-0123456789abcdef
java -Xmx1400m -XX:+ExitOnOutOfMemoryError -Dquarkus.http.port=$port \
  -Dfabricscope.admin-token=$admin -Dfabricscope.demo.seed=false \
  -Dfabricscope.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar target/quarkus-app/quarkus-run.jar > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
python3 bench/fabric/fabric_views.py "http://127.0.0.1:$port" "$admin" "$hosts" \
  src/test/resources/valid-report.json
if kill -0 $server 2>/dev/null; then echo "server still up"; else echo "server DIED"; fi
grep -c OutOfMemoryError "$work/server.log" | sed 's/^/OutOfMemoryError lines: /' || true
