#!/usr/bin/env bash
# An rdma-write test between rxe0 and rxe1 inside ../shared/rig (real kernel, soft-RoCE, perftest),
# orchestrated by the server of this checkout through the agent running in the guest (issue 10,
# acceptance 3). Soft-RoCE under TCG measures the plumbing, not hardware.
#
#   RIG_WORK=/var/tmp/fabricscope-rig bench/rig-rdma/rdma-in-rig.sh [EVIDENCE_FILE]   (as root)
#
# Needs the rig built in RIG_WORK (`../shared/rig/rig.sh build kernel`), the packaged server and
# agent, jlink and socat. The rig folder is copied; the copy's guest script is ours
# (guest-agent.sh) and its QEMU gets one more NIC on QEMU user networking with restrict=on whose
# only way out is a forward of 10.0.2.100:8080 to the server on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EVIDENCE=${1:-}
RIG_SRC=${RIG_SRC:-$ROOT/../shared/rig}
export RIG_WORK=${RIG_WORK:-/var/tmp/fabricscope-rig}
PORT=${PORT:-18181}
skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (the rig runs as root)"
for t in jlink socat qemu-system-x86_64 curl; do command -v "$t" >/dev/null || skip "$t missing"; done
[ -f "$RIG_WORK/build/rootfs.ext4" ] && [ -f "$RIG_WORK/build/bzImage-p2pdma" ] || skip "rig not built in $RIG_WORK"
[ -f target/quarkus-app/quarkus-run.jar ] && [ -f agent/target/fabricscope-agent.jar ] || skip "package the server and agent first"

WORK=$(mktemp -d /tmp/fabricscope-rig-rdma.XXXXXX)
ADMIN=admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
SRV=http://127.0.0.1:$PORT
pids=()
cleanup() {
  set +e
  pkill -f "qemu-system-x86_64 -name rigvm.*$WORK" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1; rm -rf "$WORK"
}
trap cleanup EXIT
api() {
  if [ $# -ge 3 ]; then
    curl -sS -m 20 -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$3" "$SRV$2"
  else
    curl -sS -m 20 -X "$1" -H "Authorization: Bearer $ADMIN" "$SRV$2"
  fi
}

# the rig, copied, with our guest script, the agent and a JRE for it
cp -r "$RIG_SRC" "$WORK/rig"
cp bench/rig-rdma/guest-agent.sh "$WORK/rig/guest/rig-capture.sh"
chmod +x "$WORK/rig/guest/rig-capture.sh"
cp agent/target/fabricscope-agent.jar "$WORK/rig/guest/"
jlink --add-modules java.base,java.net.http,java.sql,java.xml,java.logging,jdk.unsupported,jdk.crypto.ec \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$WORK/rig/guest/jre"
sed -i "/mac=52:54:00:00:00:13,bus=rp5/a\\
       -netdev \"user,id=up,restrict=on,guestfwd=tcp:10.0.2.100:8080-cmd:socat - TCP:127.0.0.1:$PORT\"\\
       -device virtio-net-pci,id=nicup,netdev=up,mac=52:54:00:00:00:99,bus=pcie.0,addr=0x6,romfile=" "$WORK/rig/rig.sh"
grep -q nicup "$WORK/rig/rig.sh" || { echo "could not add the host NIC to the rig's QEMU" >&2; exit 1; }

echo "starting the server on $SRV" >&2
(cd "$WORK" && exec java -Xmx512m -Dquarkus.http.port=$PORT -Dfabricscope.admin-token="$ADMIN" \
  -Dfabricscope.demo.seed=false -Dfabricscope.data-dir="$WORK/data" \
  -Dfabricscope.bandwidth.job-timeout=600 \
  -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$WORK/server.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 240); do curl -sf -o /dev/null -m 2 "$SRV/q/health/ready" && break; sleep 0.5; done
secret=$(api POST /api/v1/tokens '{"name":"rig-agent","role":"agent","host":"rig-guest"}' | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$secret" ] || { echo "no agent token" >&2; exit 1; }
printf '%s' "$secret" >"$WORK/rig/guest/agent.token"

echo "booting the rig (TCG; minutes)" >&2
(BOOT_TIMEOUT=1800 GUEST_OPTS="rig.keepalive=0" "$WORK/rig/rig.sh" run >"$WORK/rig-run.log" 2>&1) &
pids+=($!)
t0=$(date +%s)
for _ in $(seq 1 1200); do
  caps=$(api GET /api/v1/agents/rig-guest/capabilities 2>/dev/null || true)
  case "$caps" in
    *perftest*) [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $ADMIN" "$SRV/api/v1/hosts/rig-guest")" = 200 ] && break ;;
  esac
  sleep 1
done
echo "agent registered after $(( $(date +%s) - t0 )) s: $caps" >&2
job=$(api POST /api/v1/bandwidth-tests \
  '{"kind":"rdma-write","source":{"host":"rig-guest","endpoint":"rdma:rxe0:1"},"target":{"host":"rig-guest","endpoint":"rdma:rxe1:1"},"size":"64K","repetitions":1000}')
id=$(printf '%s' "$job" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || { echo "POST refused: $job" >&2; exit 1; }
state=queued
for _ in $(seq 1 900); do
  cur=$(api GET "/api/v1/bandwidth-tests/$id")
  state=$(printf '%s' "$cur" | sed -n 's/.*"state":"\([a-z-]*\)".*/\1/p')
  case "$state" in passed|warned|failed|measured|error|cancelled|timed-out) break ;; esac
  sleep 1
done
printf '%s\n' "$cur"
if [ -n "$EVIDENCE" ]; then
  g=$(ls -d "$RIG_WORK"/out/guest 2>/dev/null || true)
  {
    echo "# rdma-write rxe0 -> rxe1 in the rig (QEMU TCG, soft-RoCE), orchestrated by the server; $(date -u +%FT%TZ)"
    echo "# emulation: the figure tests the plumbing only"
    echo "# job $id final state: $state"
    printf '%s\n' "$cur"
    echo "# capabilities reported by the guest's agent"; printf '%s\n' "$caps"
    echo "# guest agent log (tail)"; tail -20 "$g/agent.log" 2>/dev/null
  } >"$EVIDENCE"
fi
case "$state" in passed|warned|failed|measured) exit 0 ;; esac
exit 1
