# Shared by the rig scripts (bench/rig-rdma, bench/rig-nvme); source it from the repository root.
# Boots ../shared/rig with this checkout's agent inside the guest, talking to this checkout's
# packaged server on the host: the rig folder is copied, the copy's guest script is ours
# (guest-agent.sh: soft-RoCE devices, the host NIC's address, then `fabricscope-agent run` from the
# share with a JRE carried along), and its QEMU gets one more NIC on QEMU user networking with
# restrict=on whose only way out is a forward of 10.0.2.100:8080 to the server on 127.0.0.1.
#
# Functions: rig_agent_boot (preflight, skip with 77 when the rig or tools are missing; server, agent
# token, rig boot), api METHOD PATH [JSON], rig_agent_wait PATTERN (until the capabilities match
# and the host's report is stored), rig_agent_job ID (until the job ends; prints its JSON).
# Sets WORK, ADMIN, SRV, caps, state; cleans up on exit.

RIG_SRC=${RIG_SRC:-$ROOT/../shared/rig}
export RIG_WORK=${RIG_WORK:-/var/tmp/fabricscope-rig}
PORT=${PORT:-18181}
rig_pids=()

skip() { echo "SKIP: $*" >&2; exit 77; }

rig_agent_cleanup() {
  set +e
  pkill -f "qemu-system-x86_64 -name rigvm.*$WORK" 2>/dev/null
  for p in "${rig_pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1; rm -rf "$WORK"
}

api() {
  if [ $# -ge 3 ]; then
    curl -sS -m 20 -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$3" "$SRV$2"
  else
    curl -sS -m 20 -X "$1" -H "Authorization: Bearer $ADMIN" "$SRV$2"
  fi
}

rig_agent_boot() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (the rig runs as root)"
  for t in jlink socat qemu-system-x86_64 curl; do command -v "$t" >/dev/null || skip "$t missing"; done
  [ -f "$RIG_WORK/build/rootfs.ext4" ] && [ -f "$RIG_WORK/build/bzImage-p2pdma" ] || skip "rig not built in $RIG_WORK"
  [ -f target/quarkus-app/quarkus-run.jar ] && [ -f agent/target/fabricscope-agent.jar ] || skip "package the server and agent first"

  WORK=$(mktemp -d /tmp/fabricscope-rig-agent.XXXXXX)
  ADMIN=admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  SRV=http://127.0.0.1:$PORT
  trap rig_agent_cleanup EXIT

  # the rig, copied, with our guest script, the agent and a JRE for it
  cp -r "$RIG_SRC" "$WORK/rig"
  cp bench/rig-agent/guest-agent.sh "$WORK/rig/guest/rig-capture.sh"
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
  rig_pids+=($!)
  for _ in $(seq 1 240); do curl -sf -o /dev/null -m 2 "$SRV/q/health/ready" && break; sleep 0.5; done
  local secret
  secret=$(api POST /api/v1/tokens '{"name":"rig-agent","role":"agent","host":"rig-guest"}' | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
  [ -n "$secret" ] || { echo "no agent token" >&2; exit 1; }
  printf '%s' "$secret" >"$WORK/rig/guest/agent.token"

  echo "booting the rig (TCG; minutes)" >&2
  (BOOT_TIMEOUT=1800 GUEST_OPTS="rig.keepalive=0" "$WORK/rig/rig.sh" run >"$WORK/rig-run.log" 2>&1) &
  rig_pids+=($!)
}

# Waits until the guest's agent reported capabilities matching the (grep -E) pattern and its host
# report is stored.
rig_agent_wait() {
  local t0; t0=$(date +%s)
  for _ in $(seq 1 1200); do
    caps=$(api GET /api/v1/agents/rig-guest/capabilities 2>/dev/null || true)
    if printf '%s' "$caps" | grep -Eq "$1" &&
      [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $ADMIN" "$SRV/api/v1/hosts/rig-guest")" = 200 ]; then
      break
    fi
    sleep 1
  done
  echo "agent registered after $(( $(date +%s) - t0 )) s: $caps" >&2
}

# Waits for a job to end; prints its final JSON and sets state.
rig_agent_job() {
  local cur=""
  state=queued
  for _ in $(seq 1 900); do
    cur=$(api GET "/api/v1/bandwidth-tests/$1")
    state=$(printf '%s' "$cur" | sed -n 's/.*"state":"\([a-z-]*\)".*/\1/p')
    case "$state" in passed|warned|failed|measured|error|cancelled|timed-out) break ;; esac
    sleep 1
  done
  printf '%s\n' "$cur"
}

# The guest's results share (agent.log, guest-agent.log).
rig_guest_out() {
  ls -d "$RIG_WORK"/out/guest 2>/dev/null || true
}
