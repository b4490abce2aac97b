#!/usr/bin/python3
"""Max-min fair rates of flow lists as SimGrid's LMM solver computes them: the oracle of
MaxMinSimGridTest and the peer of bench/simgrid/maxmin-vs-simgrid.sh.

Input (the file named by the one argument), GB/s as the planner counts them:
  {"instances": [{"capacity": [c0, c1, ...], "routes": [[link, ...], ...]}, ...]}
Output (stdout, one JSON object):
  {"simgrid": "3.32", "rates": [[r0, r1, ...], ...], "buildSeconds": s, "solveSeconds": s}

Every instance becomes links of its own in one platform (the instances share nothing, so one
simulation solves them all). The zone is a star: every flow gets a source host whose links to
the centre are the flow's links and a target host with none, so its route is its links (a full
zone would hold a table of hosts squared), and a communication too large to end.

SimGrid's CM02 network model is max-min sharing as Casanova and Legrand describe it; the
settings below strip what it adds to plain max-min: no cross traffic (a flow's acknowledgements
on the reverse links), no TCP window bound (TCP-gamma 0), no bandwidth or latency factor (both
1), and links without latency and no weight-S, so every flow weighs the same whatever its route.
After one simulated second each flow has moved its rate in bytes. Nothing here is from
fabricscope: only SimGrid computes the rates.
"""
import json
import os
import sys
import time

import simgrid
from simgrid import Actor, Comm, Engine, LinkInRoute, NetZone, this_actor

GIGA = 1e9
# bytes: no flow ends within the simulated second below 1,000 GB/s, and SIZE - remaining is
# exact to 2^-13 bytes (the unit in the last place of 10^12), 10^-9 of a 0.1 MB/s rate
SIZE = 10**12


def main():
    with open(sys.argv[1]) as f:
        instances = json.load(f)["instances"]
    started = time.perf_counter()
    engine = Engine([sys.argv[0],
                     "--cfg=network/model:CM02",
                     "--cfg=network/crosstraffic:0",
                     "--cfg=network/TCP-gamma:0",
                     "--cfg=network/bandwidth-factor:1",
                     "--cfg=network/latency-factor:1",
                     "--cfg=network/weight-S:0",
                     "--log=root.thresh:warning"])
    zone = NetZone.create_star_zone("fabric")
    pairs = []  # per instance, per flow: (source host, target host)
    for i, inst in enumerate(instances):
        links = [zone.create_link("i%d-l%d" % (i, k), c * GIGA).set_latency(0).seal()
                 for k, c in enumerate(inst["capacity"])]
        flows = []
        for f, route in enumerate(inst["routes"]):
            if not route:
                raise SystemExit("instance %d flow %d crosses no link" % (i, f))
            s = zone.create_host("i%d-s%d" % (i, f), 1.0).seal()
            d = zone.create_host("i%d-d%d" % (i, f), 1.0).seal()
            zone.add_route(s.netpoint, None, None, None,
                           [LinkInRoute(links[k]) for k in route], False)
            flows.append((s, d))
        pairs.append(flows)
    zone.seal()
    built = time.perf_counter()

    def observe():
        comms = [[Comm.sendto_async(s, d, SIZE) for s, d in flows] for flows in pairs]
        this_actor.sleep_for(1.0)
        solved = time.perf_counter()
        rates = [[(SIZE - c.remaining) / GIGA for c in cs] for cs in comms]
        if any(c.remaining <= 0 for cs in comms for c in cs):
            raise SystemExit("a flow ended within the simulated second: rates above 1,000 GB/s")
        json.dump({"simgrid": simgrid.simgrid_version,
                   "rates": rates,
                   "buildSeconds": built - started,
                   "solveSeconds": solved - built}, sys.stdout)
        sys.stdout.flush()
        os._exit(0)  # the communications never end; the simulation is not waited for

    host = next(h for flows in pairs for pair in flows for h in pair)
    Actor.create("observer", host, observe)
    engine.run()


if __name__ == "__main__":
    main()
