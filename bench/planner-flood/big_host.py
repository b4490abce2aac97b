"""A valid agent report of N GPUs and M NICs, each straight on one root bus (the seventh security
review's shape): usage big_host.py TEMPLATE.json HOST GPUS NICS > report.json. Every function is
the template's last one (a virtio NIC) with a new BDF, kind and class; nothing else of the template
but its host is kept."""
import copy
import json
import sys

template, host, gpus, nics = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
base = json.load(open(template))
model = base["pci"][-1]


def function(bdf, kind, class_code):
    f = copy.deepcopy(model)
    f.update(bdf=bdf, parent=None, hostBridge="pci0000:00", kind=kind, classCode=class_code,
             portType="endpoint", iommu=None, numaNode=0, localCpulist="0", vendorName=None,
             deviceName=None, driver=None)
    f["link"] = {k: None for k in ("current", "max", "capability", "status", "upstream",
                                   "reportedGBps")}
    return f


bdfs = ("0000:%02x:%02x.%d" % (b, d, fn) for b in range(1, 256) for d in range(32)
        for fn in range(8))
pci, gpu_list = [], []
for _ in range(gpus):
    bdf = next(bdfs)
    pci.append(function(bdf, "gpu", "0x030200"))
    gpu_list.append({"pciFunction": bdf, "vendorName": None, "deviceName": None, "driver": None,
                     "numaNode": 0, "sm": None, "nvml": None})
for _ in range(nics):
    pci.append(function(next(bdfs), "nic", "0x020000"))
report = {"schemaVersion": 1, "source": "sysfs", "host": dict(base["host"], name=host), "pci": pci,
          "rdma": [], "net": [], "nvme": [], "gpus": gpu_list, "nvlinks": [], "diagnostics": []}
json.dump(report, sys.stdout, separators=(",", ":"))
