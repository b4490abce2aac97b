#!/usr/bin/env bash
# An rdma-write test between rxe0 and rxe1 inside ../shared/rig (real kernel, soft-RoCE, perftest),
# orchestrated by the server of this checkout through the agent running in the guest (issue 10,
# acceptance 3). Soft-RoCE under TCG measures the plumbing, not hardware.
#
#   RIG_WORK=/var/tmp/fabricscope-rig bench/rig-rdma/rdma-in-rig.sh [EVIDENCE_FILE]   (as root)
#
# Needs the rig built in RIG_WORK (`../shared/rig/rig.sh build kernel`), the packaged server and
# agent, jlink and socat; the boot is bench/rig-agent/rig-agent.sh's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EVIDENCE=${1:-}
. bench/rig-agent/rig-agent.sh

rig_agent_boot
rig_agent_wait 'perftest'
job=$(api POST /api/v1/bandwidth-tests \
  '{"kind":"rdma-write","source":{"host":"rig-guest","endpoint":"rdma:rxe0:1"},"target":{"host":"rig-guest","endpoint":"rdma:rxe1:1"},"size":"64K","repetitions":1000}')
id=$(printf '%s' "$job" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || { echo "POST refused: $job" >&2; exit 1; }
cur=$(rig_agent_job "$id")
state=$(printf '%s' "$cur" | sed -n 's/.*"state":"\([a-z-]*\)".*/\1/p')
printf '%s\n' "$cur"
if [ -n "$EVIDENCE" ]; then
  g=$(rig_guest_out)
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
