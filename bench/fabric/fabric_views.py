"""Views of /fabric over a large inventory: N hosts whose reports are about 1.6 MB (the RDMA rig
report plus 400 diagnostics of 4,000 characters), imported through the API, then 12 parallel views
of /fabric, twice, and one /api/v1/fabric. A review ran a 1.4 GB heap out this way when every view
held every host's whole report. Usage: fabric_views.py BASE ADMIN_TOKEN HOSTS REPORT_JSON"""
import concurrent.futures
import json
import random
import string
import sys
import time
import urllib.request

base, admin, n, report_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def call(method, path, token, body=None):
    r = urllib.request.Request(
        base + path, data=body, method=method,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(r, timeout=300) as f:
        return f.status, f.read()


def token(role):
    body = json.dumps({"name": "fabric-bench-" + role, "role": role}).encode()
    return json.loads(call("POST", "/api/v1/tokens", admin, body)[1])["secret"]


operator, viewer = token("operator"), token("viewer")
base_report = json.load(open(report_path))
rnd = random.Random(1)
size = 0
for i in range(n):
    d = json.loads(json.dumps(base_report))
    d["host"]["name"] = "big%03d" % i
    d["diagnostics"] = d["diagnostics"] + [
        {"path": "/sys/x/%d" % j,
         "reason": "".join(rnd.choice(string.ascii_letters) for _ in range(4000))}
        for j in range(400)]
    body = json.dumps(d).encode()
    size = len(body)
    call("POST", "/api/v1/imports?host=big%03d" % i, operator, body)
print("hosts %d, report %.2f MB each" % (n, size / 1e6))


def view(_):
    t = time.time()
    try:
        status, b = call("GET", "/fabric", viewer)
        return status, time.time() - t
    except Exception as e:  # a refused or dropped connection is a result too
        return "error " + type(e).__name__, time.time() - t


for label in ("first views (parse every host once)", "next views (kept ports)"):
    with concurrent.futures.ThreadPoolExecutor(12) as ex:
        t = time.time()
        results = list(ex.map(view, range(12)))
    statuses = sorted(set(str(r[0]) for r in results))
    print("12 parallel /fabric, %s: status %s, slowest %.2f s, wall %.2f s"
          % (label, ",".join(statuses), max(r[1] for r in results), time.time() - t))
t = time.time()
status, body = call("GET", "/api/v1/fabric", viewer)
print("/api/v1/fabric: status %d, %d bytes, %.2f s" % (status, len(body), time.time() - t))
