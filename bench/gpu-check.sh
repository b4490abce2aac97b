#!/usr/bin/env bash
# GPU copy helper vs PyTorch and nvbandwidth on a GPU machine (issue 10, acceptance 5); the
# agent's NVML fields vs nvidia-smi -q -x of the same host (issue 12, acceptance 3); our
# collect --of nccl-xml given to real NCCL (issue 11, acceptance 2).
#   Here:  bench/gpu-check.sh --prepare     builds gpu-kit/ (git-ignored through .git/info/exclude):
#          a jlink'ed JRE, the agent jar, ../shared/gpu-probe/{bw_torch.py,nvbandwidth-build.sh}
#          and, when present beside it, nvbandwidth's src/ and Boost .debs.
#   There: bench/gpu-check.sh               (device tool, carry ["gpu-kit"]) runs
#          fabricscope-agent bandwidth --kind gpu-h2d|gpu-d2h|gpu-bidir --size 256M --repeat 20
#          --format json, bw_torch.py and (when its kit came along) nvbandwidth -j; writes every
#          output and summary.json to $OUT/gpu-check.tar.gz and prints the comparison:
#          ours vs PyTorch at 256 MiB pinned (h2d, d2h, bidir summed) and vs nvbandwidth's
#          copy-engine h2d/d2h; each within 3 % or the script exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
kit=gpu-kit
if [ "${1:-}" = "--prepare" ]; then
  probe=../shared/gpu-probe
  rm -rf "$kit" && mkdir -p "$kit"
  grep -qx "/$kit/" "$(git rev-parse --git-common-dir)/info/exclude" 2>/dev/null \
    || echo "/$kit/" >> "$(git rev-parse --git-common-dir)/info/exclude"
  [ -f agent/target/fabricscope-agent.jar ] || mvn -B -q -f agent/pom.xml package -DskipTests
  cp agent/target/fabricscope-agent.jar "$probe/bw_torch.py" "$probe/nvbandwidth-build.sh" \
    "$probe/nccl_probe.py" "$kit/"
  [ -d "$probe/src" ] && cp -r "$probe/src" "$kit/" && cp "$probe"/*.deb "$kit/" 2>/dev/null
  jlink --add-modules java.base,java.net.http,java.sql,java.xml,java.logging,jdk.unsupported,jdk.crypto.ec \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$kit/jre"
  du -sh "$kit"
  exit 0
fi
out=${OUT:-/tmp/gpu-check-out}/gpu-check
mkdir -p "$out"
agent() { "$kit/jre/bin/java" -jar "$kit/fabricscope-agent.jar" "$@"; }
{ nvidia-smi; agent bandwidth --capabilities; } > "$out/host.txt" 2>&1
for k in gpu-h2d gpu-d2h gpu-bidir; do
  agent bandwidth --kind "$k" --size 256M --repeat 20 --format json > "$out/ours-$k.json" 2> "$out/ours-$k.err"
  agent bandwidth --kind "$k" --size 256M --repeat 20 > "$out/ours-$k.txt" 2>&1
done
agent bandwidth --kind gpu-h2d --pageable --size 256M --repeat 10 --format json > "$out/ours-gpu-h2d-pageable.json" 2>&1
agent bandwidth --kind gpu-d2d --size 256M --repeat 10 --format json > "$out/ours-gpu-d2d.json" 2>&1
python3 "$kit/bw_torch.py" > "$out/torch.json" 2> "$out/torch.err"
if [ -d "$kit/src" ]; then
  OUT="$out" bash "$kit/nvbandwidth-build.sh" > "$out/nvbandwidth-build.log" 2>&1
fi
python3 - "$out" <<'PY' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
def load(n):
    try: return json.load(open(os.path.join(out, n)))
    except Exception as e: return None
ours = {k: load(f"ours-gpu-{k}.json") for k in ("h2d", "d2h", "bidir")}
torch = load("torch.json") or {"tests": []}
def t(kind):
    for x in torch["tests"]:
        if x["kind"] == kind and x.get("pinned") and x["bytes"] in (1 << 28, 2 << 28): return x["GBps"]
nv = {}
for tc in (load("nvbandwidth.json") or {}).get("nvbandwidth", {}).get("testcases", []):
    if tc.get("status") == "Passed": nv[tc["name"]] = tc["sum"]
rows, ok = [], True
for k, tk, nk in (("h2d", "h2d", "host_to_device_memcpy_ce"), ("d2h", "d2h", "device_to_host_memcpy_ce"), ("bidir", "bidir", None)):
    o = ours[k]["measuredGBps"] if ours[k] else None
    # nvbandwidth's bidirectional figures are per direction under load, not a sum: PyTorch only
    refs = [("PyTorch", t(tk))] + ([("nvbandwidth CE", nv.get(nk))] if nk else [])
    for name, ref in refs:
        if o is None or ref is None:
            # PyTorch must be there; nvbandwidth only when its build kit came along
            rows.append(f"gpu-{k} vs {name}: missing (ours {o}, reference {ref})")
            ok = ok and name != "PyTorch" and o is not None
            continue
        d = (o - ref) / ref * 100
        ok = ok and abs(d) <= 3
        rows.append(f"gpu-{k} ours {o:.2f} GB/s vs {name} {ref:.2f} GB/s: {d:+.1f} %")
print("\n".join(rows)); print("within 3 %:", ok)
json.dump({"rows": rows, "within3pct": ok}, open(os.path.join(out, "summary.json"), "w"), indent=1)
sys.exit(0 if ok else 1)
PY
rc=$?
# NVML as the agent reads it vs nvidia-smi's own query; NCCL given our export of this host
agent nvml > "$out/ours-nvml.json" 2> "$out/ours-nvml.err"
agent collect --pretty > "$out/ours-report.json" 2> "$out/ours-report.err"
nvidia-smi -q -x > "$out/nvidia-smi-q.xml" 2>&1
agent collect --of nccl-xml > "$out/ours-nccl.xml" 2> "$out/ours-nccl.err"
NCCL_DEBUG=INFO NCCL_TOPO_FILE="$out/ours-nccl.xml" NCCL_TOPO_DUMP_FILE="$out/nccl-dump-with-ours.xml" \
  timeout 300 python3 "$kit/nccl_probe.py" > "$out/nccl-with-ours.log" 2>&1
echo "nccl_probe exit $?" >> "$out/nccl-with-ours.log"
python3 - "$out" <<'PY' | tee -a "$out/summary.txt"
import json, os, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
ok, rows = True, []
try:
    ours = json.load(open(os.path.join(out, "ours-nvml.json")))["gpus"]
    smi = ET.parse(os.path.join(out, "nvidia-smi-q.xml")).getroot()
except Exception as e:
    print("nvml vs nvidia-smi: cannot read:", e); sys.exit(1)
for g in smi.findall("gpu"):
    bus = g.findtext("pci/pci_bus_id").lower()
    n = ours.get(bus[4:]) or ours.get(bus)
    if n is None:
        ok = False; rows.append(f"{bus}: not in the agent's NVML answers"); continue
    cuda = n.get("cudaDriverVersion") or 0
    pairs = [("product_name", g.findtext("product_name"), n["productName"]),
             ("uuid", g.findtext("uuid"), n["uuid"]),
             ("serial", g.findtext("serial"), n["serial"]),
             ("board_id", int(g.findtext("board_id"), 16), n["boardId"]),
             ("driver_version", smi.findtext("driver_version"), n["driverVersion"]),
             ("cuda_version", smi.findtext("cuda_version"), f"{cuda // 1000}.{cuda % 1000 // 10}"),
             ("max_link_gen", g.findtext("pci/pci_gpu_link_info/pcie_gen/max_link_gen"), str(n["pcieGenMax"])),
             ("current_link_gen", g.findtext("pci/pci_gpu_link_info/pcie_gen/current_link_gen"), str(n["pcieGenCurrent"])),
             ("max_link_width", g.findtext("pci/pci_gpu_link_info/link_widths/max_link_width"), f"{n['pcieWidthMax']}x"),
             ("current_link_width", g.findtext("pci/pci_gpu_link_info/link_widths/current_link_width"), f"{n['pcieWidthCurrent']}x"),
             ("replay_counter", g.findtext("pci/replay_counter"), str(n["pcieReplays"])),
             ("virtualization_mode", (g.findtext("gpu_virtualization_mode/virtualization_mode") or "").lower(), n["virtualization"]),
             ("fb total MiB", g.findtext("fb_memory_usage/total"), f"{(n['memoryBytes'] or 0) >> 20} MiB")]
    for name, theirs, mine in pairs:
        same = str(theirs).strip() == str(mine).strip()
        ok = ok and same
        rows.append(f"{bus} {name}: nvidia-smi {theirs!r} agent {mine!r} {'=' if same else 'DIFFERENT'}")
log = open(os.path.join(out, "nccl-with-ours.log")).read()
nccl_ok = "nccl ok" in log and "XML Parse" not in log
rows.append("NCCL with our NCCL_TOPO_FILE: " + ("loaded, all_reduce ok" if nccl_ok else "FAILED (see nccl-with-ours.log)"))
print("\n".join(rows)); print("nvml and nccl checks:", ok and nccl_ok)
sys.exit(0 if ok and nccl_ok else 1)
PY
[ $? -eq 0 ] || rc=1
tar czf "${OUT:-/tmp/gpu-check-out}/gpu-check.tar.gz" -C "$(dirname "$out")" gpu-check
exit $rc
