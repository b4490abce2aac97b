#!/usr/bin/env bash
# Issue 13, acceptance 3 on the rig: two NVMe -> host memory reads at once from the two NVMe
# controllers behind the rig's x3130 switch (0000:03:00.0 and 0000:04:00.0, both crossing the
# switch uplink 00:10.0 <-> 01:00.0), predicted by the planner (GET /api/v1/hosts/rig-guest/
# prediction) and measured by the bandwidth tests (POST /api/v1/bandwidth-tests, kind nvme-read,
# the second flow in "concurrent"), both through this checkout's server with the agent running in
# the guest; and one of them alone, the same two ways. QEMU TCG does not throttle PCIe: the ratios
# test the plumbing, not a link.
#
#   RIG_WORK=/var/tmp/fabricscope-rig bench/rig-nvme/nvme-in-rig.sh [EVIDENCE_FILE]   (as root)
#
# Needs what bench/rig-agent/rig-agent.sh needs (skips with 77 otherwise). SIZE and REPS set the
# bytes per flow and pass and the timed passes (default 64M x 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EVIDENCE=${1:-}
SIZE=${SIZE:-64M}
REPS=${REPS:-5}
A=0000:03:00.0
B=0000:04:00.0
. bench/rig-agent/rig-agent.sh

rig_agent_boot
rig_agent_wait '"name":"nvme-read","present":true'

# (a) the planner's prediction of both flows at once, and of one alone
pred_both=$(api GET "/api/v1/hosts/rig-guest/prediction?flow=$A%3Ememory:0&flow=$B%3Ememory:0")
pred_one=$(api GET "/api/v1/hosts/rig-guest/prediction?flow=$A%3Ememory:0")

# (b) the measurements: both at once (B in concurrent), then A alone
req_both='{"kind":"nvme-read","source":{"host":"rig-guest","endpoint":"'$A'"},"target":{"endpoint":"numa:0"},"size":"'$SIZE'","repetitions":'$REPS',"concurrent":[{"source":{"endpoint":"'$B'"},"target":{"endpoint":"numa:0"}}]}'
req_one='{"kind":"nvme-read","source":{"host":"rig-guest","endpoint":"'$A'"},"target":{"endpoint":"numa:0"},"size":"'$SIZE'","repetitions":'$REPS'}'
run_job() {
  local posted id
  posted=$(api POST /api/v1/bandwidth-tests "$1")
  id=$(printf '%s' "$posted" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  [ -n "$id" ] || { echo "POST refused: $posted" >&2; exit 1; }
  rig_agent_job "$id"
}
job_both=$(run_job "$req_both")
job_one=$(run_job "$req_one")

# (d) predicted vs measured per flow, and the ratios
table=$(python3 - "$pred_both" "$pred_one" "$job_both" "$job_one" <<'PY'
import json, sys
pb, po, jb, jo = (json.loads(a) for a in sys.argv[1:5])
def pred(p, src):
    return next(f["predictedGBps"] for f in p["flows"] if f["source"] == src)
rows = []
rb = jb.get("result") or {}
for f in rb.get("flows") or []:
    rows.append(("concurrent", f["source"], pred(pb, f["source"]), f["expectedGBps"], f["measuredGBps"]))
ro = jo.get("result") or {}
if ro:
    rows.append(("alone", ro["source"], pred(po, ro["source"]), ro["expectedGBps"], ro["measuredGBps"]))
print("| run | flow | planner GB/s | expected GB/s (x efficiency) | measured GB/s | measured / expected |")
print("|---|---|---|---|---|---|")
for run, src, p, e, m in rows:
    ratio = "%.2f" % (m / e) if e else "n/a"
    print("| %s | %s > memory:0 | %s | %s | %.3f | %s |" % (run, src, p, e, m, ratio))
if rb.get("flows") and ro:
    a, b = (f["measuredGBps"] for f in rb["flows"])
    print()
    print("job states: concurrent %s, alone %s" % (jb["state"], jo["state"]))
    print("concurrent flows' medians: %.3f and %.3f GB/s (the smaller %.2f of the larger), their sum %.3f;"
          " the test's measured value (median of the per-pass sums) %.3f GB/s; alone %.3f GB/s;"
          " concurrent test / alone %.2f" % (a, b, min(a, b) / max(a, b), a + b, rb["measuredGBps"],
                                            ro["measuredGBps"], rb["measuredGBps"] / ro["measuredGBps"]))
    print("per-pass GB/s: %s = %s, %s; alone %s" % (
        rb["samples"], rb["flows"][0]["samples"], rb["flows"][1]["samples"], ro["samples"]))
PY
)
printf '%s\n' "$table"

if [ -n "$EVIDENCE" ]; then
  g=$(rig_guest_out)
  {
    echo "# nvme-read in the rig (QEMU TCG): $A and $B -> numa:0 at once (both behind the x3130 uplink), and $A alone; $(date -u +%FT%TZ)"
    echo "# emulation: QEMU does not throttle PCIe, so the ratios test the plumbing (prediction and measurement through one API), not a link"
    echo "# request GET /api/v1/hosts/rig-guest/prediction?flow=$A>memory:0&flow=$B>memory:0"
    printf '%s\n' "$pred_both"
    echo "# request GET /api/v1/hosts/rig-guest/prediction?flow=$A>memory:0"
    printf '%s\n' "$pred_one"
    echo "# request POST /api/v1/bandwidth-tests"; printf '%s\n' "$req_both"
    echo "# job"; printf '%s\n' "$job_both"
    echo "# request POST /api/v1/bandwidth-tests"; printf '%s\n' "$req_one"
    echo "# job"; printf '%s\n' "$job_one"
    echo "# predicted vs measured"; printf '%s\n' "$table"
    echo "# capabilities reported by the guest's agent"; printf '%s\n' "$caps"
    echo "# guest agent log (tail)"; tail -20 "$g/agent.log" 2>/dev/null
  } >"$EVIDENCE"
fi
for j in "$job_both" "$job_one"; do
  case "$(printf '%s' "$j" | sed -n 's/.*"state":"\([a-z-]*\)".*/\1/p')" in passed|warned|failed|measured) ;; *) exit 1 ;; esac
done
