#!/usr/bin/env bash
# What orchestration adds to a two-host test (issue 10, acceptance 7), side by side with the same
# iperf3 pair run by hand in the same namespaces, in one run:
#
#   bench/netns/overhead.sh [DURATIONS...]     (as root; default: 5 10)
#
# For each iperf3 -t: JOBS (default 4) tests through the server on the same two agents, then JOBS
# runs by hand. SETTLE (default 0) is the wait between the agents having reported their helpers
# and the first test: 0 starts it while their start-up (first report, JIT) is still running.
# "through fabricscope" is the job's created → finished (POST to stored result);
# "by hand" is iperf3 server start → client exit. The first test of fresh agents includes their
# class loading and is shown apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS=${JOBS:-4}
[ $# -gt 0 ] || set -- 5 10
printf '| iperf3 -t | test | through fabricscope | by hand | added | share of the run |\n|---:|---|---:|---:|---:|---:|\n'
for d in "$@"; do
  jobs=$(mktemp) hand=$(mktemp)
  JOBS=$JOBS DURATION=$d BY_HAND=$hand bash bench/netns/tcp-two-agents.sh >"$jobs" 2>/dev/null
  python3 - "$d" "$jobs" "$hand" <<'PY'
import json, sys
from datetime import datetime
d, jobs, hand = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
ours = [(t(j["finished"]) - t(j["created"])).total_seconds() for j in map(json.loads, open(jobs))]
byhand = sorted(float(l) for l in open(hand))
base = byhand[len(byhand) // 2]  # median by-hand run
for i, o in enumerate(ours):
    label = "first of fresh agents" if i == 0 else f"#{i + 1}"
    print(f"| {d} s | {label} | {o:.3f} s | {base:.3f} s (median of {len(byhand)}) | "
          f"{o - base:.3f} s | {100 * (o - base) / base:.1f} % |")
PY
  rm -f "$jobs" "$hand"
done
