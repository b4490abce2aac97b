#!/bin/bash
# Runs inside the rig guest in place of the rig's capture script (the rig's rig-boot starts it
# with the results share as $1). It brings up the two soft-RoCE devices the rig's capture uses
# (rxe0 on the e1000e at a root port, rxe1 on the e1000e behind the switch), gives the extra NIC
# that reaches the host (QEMU user networking, only a forward to the server) its address, and runs
# the real agent from this share with a JRE carried along. The host ends the guest.
OUTD=${1:-/mnt/out}
cd "$OUTD" || exit 1
exec >"$OUTD/guest-agent.log" 2>&1
set -x
hostname rig-guest
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
declare -A BYMAC
for n in /sys/class/net/*; do
  i=$(basename "$n"); [ -e "$n/device" ] || continue
  sysctl -qw "net.ipv6.conf.$i.accept_dad=0"
  ip link set "$i" up
  BYMAC[$(cat "$n/address")]=$i
done
N_RP=${BYMAC[52:54:00:00:00:12]:-}; N_SW=${BYMAC[52:54:00:00:00:10]:-}; N_UP=${BYMAC[52:54:00:00:00:99]:-}
for _ in $(seq 1 20); do
  ok=1; for i in "$N_RP" "$N_SW" "$N_UP"; do [ "$(cat /sys/class/net/$i/operstate)" = up ] || ok=0; done
  [ $ok = 1 ] && break; sleep 0.5
done
modprobe rdma_rxe 2>/dev/null
rdma link add rxe0 type rxe netdev "$N_RP"
rdma link add rxe1 type rxe netdev "$N_SW"
ip addr add 10.0.2.15/24 dev "$N_UP"
sleep 1
rdma link; ip -br addr
echo "AGENT-START uptime=$(cut -d' ' -f1 /proc/uptime)" >/dev/ttyS0
/mnt/rig/jre/bin/java -Xmx256m -XX:TieredStopAtLevel=1 -jar /mnt/rig/fabricscope-agent.jar run \
  --server http://10.0.2.100:8080 --token-file /mnt/rig/agent.token --spool /tmp/spool --interval 1h \
  >"$OUTD/agent.log" 2>&1 &
sleep 3600
