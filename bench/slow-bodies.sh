#!/usr/bin/env bash
# The seventh security review's MEDIUM, replayed against the packaged server (target/quarkus-app)
# with the chart's JVM settings: trickled uploads (one byte every 5 s) of a viewer token (2 imports
# declaring 64 MiB, 3 reports declaring 16 MiB, 4 plan previews declaring 1 MiB) and of two
# operator tokens (2 imports each), while an agent sends its report and an admin makes a token every
# 10 s. Before the fix the trickles held the whole body budget and the agent's reports were 503s for
# as long as they lasted. Prints what each trickle was answered and when, and the agent's and
# admin's statuses. Usage: bench/slow-bodies.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18943}
seconds=${1:-60}
dir=$(mktemp -d)
admin=slow-admin
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
. bench/lib/packaged-server.sh
start_server
viewer=$(make_token slow-viewer viewer)
op1=$(make_token slow-op1 operator)
op2=$(make_token slow-op2 operator)
agent=$(make_token slow-agent agent slow-host)
sed 's/"corpus-host"/"slow-host"/' src/test/resources/valid-report.json > "$dir/report.json"
python3 - "$port" "$seconds" "$viewer" "$op1" "$op2" > "$dir/trickles.txt" <<'EOF' &
import socket, sys, time
port, secs = int(sys.argv[1]), int(sys.argv[2])
viewer, op1, op2 = sys.argv[3:6]
plan = ([(viewer, "/api/v1/imports?host=t", 64 << 20)] * 2 + [(viewer, "/api/v1/reports", 16 << 20)] * 3
        + [(viewer, "/api/v1/plans/select", 1 << 20)] * 4
        + [(op1, "/api/v1/imports?host=t", 64 << 20)] * 2 + [(op2, "/api/v1/imports?host=t", 64 << 20)] * 2)
socks = []
for who, path, declared in plan:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {who}\r\n"
               f"Content-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n").encode())
    s.setblocking(False)
    socks.append([s, "viewer" if who == viewer else "op1" if who == op1 else "op2", path, None])
t0 = time.time()
while time.time() - t0 < secs:
    for entry in socks:
        s = entry[0]
        if entry[3] is None:
            try:
                data = s.recv(4096)
                entry[3] = (data.split(b" ")[1].decode() if data else "closed") + " at %.0f s" % (time.time() - t0)
            except BlockingIOError:
                try:
                    s.send(b"x")
                except OSError:
                    entry[3] = "reset at %.0f s" % (time.time() - t0)
            except OSError:
                entry[3] = "reset at %.0f s" % (time.time() - t0)
    time.sleep(5)
for s, who, path, answer in socks:
    print(f"{who} {path}: {answer or 'no answer, still held'}")
EOF
trickles=$!
sleep 2
for i in $(seq 1 $((seconds / 10))); do
  r=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $agent" \
    -H 'Content-Type: application/json' --data-binary @"$dir/report.json" \
    "localhost:$port/api/v1/reports")
  t=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer slow-admin' \
    -H 'Content-Type: application/json' -d "{\"name\":\"t$i\",\"role\":\"viewer\"}" \
    "localhost:$port/api/v1/tokens")
  echo "$((i * 10)) s: agent report $r, admin token $t"
  sleep 10
done
wait "$trickles"
cat "$dir/trickles.txt"
echo "OutOfMemoryError in the server log: $(grep -c OutOfMemoryError "$dir/server.log" || true)"
