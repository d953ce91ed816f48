#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM for `make run`: a narrated tour of netkit with the tools a
# user has (iproute2, bpftool, libbpf via nk_bpf, the ynl CLI).
set -eu
TOOLS=$NK_TOOLS
YNL="python3 $NK_KSRC/tools/net/ynl/pyynl/cli.py"
SPECS=$NK_KSRC/Documentation/netlink/specs
PIN=/sys/fs/bpf/nk

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
ifindex() { cat "/sys/class/net/$1/ifindex"; }

step "kernel and netkit implementation"
uname -r
zcat /proc/config.gz | grep -E '^CONFIG_NETKIT' || true

step "a netkit pair: nk0 stays in the host, its peer nk1 goes into netns 'pod'"
show ip netns add pod
show ip link add nk0 type netkit mode l3 peer name nk1
show ip link set nk1 netns pod
show ip addr add 10.10.0.1/24 dev nk0
show ip link set nk0 up
show ip -n pod addr add 10.10.0.2/24 dev nk1
show ip -n pod link set nk1 up
show ip -n pod link set lo up
show ip -d link show nk0
show ping -c 2 -W 2 10.10.0.2

step "BPF on the peer (BPF_NETKIT_PEER through the primary), as a bpf_link"
mkdir -p $PIN
show "$TOOLS/nk_bpf" load "$TOOLS/nk_progs.bpf.o" $PIN
show "$TOOLS/nk_bpf" link nk0 peer $PIN/nk_count_ipv4 $PIN/peer_link
show bpftool net show dev nk0
show ping -c 3 -W 2 10.10.0.2
printf 'counters: '
"$TOOLS/nk_bpf" counters $PIN
step "swap the program in place (link update) for one that drops IPv4"
show "$TOOLS/nk_bpf" link-update $PIN/peer_link $PIN/nk_drop_ipv4
if ping -c 2 -W 1 10.10.0.2 >/dev/null; then
	echo "ping went through a dropping program"
	exit 1
fi
echo "ping fails, as it should"
printf 'counters: '
"$TOOLS/nk_bpf" counters $PIN
show "$TOOLS/nk_bpf" link-detach $PIN/peer_link
show ping -c 1 -W 2 10.10.0.2
show ip -s link show nk0

step "a pod the way Cilium makes one: host side forward + scrub none, pod side blackhole + scrub default"
show ip link add lxc0 txqueuelen 1000 type netkit mode l3 forward scrub none \
	peer blackhole scrub default name tmp0 txqueuelen 1000
show ip -d link show lxc0
show ip link set tmp0 netns pod
ip -n pod link set tmp0 name eth0
ip -n pod link set eth0 up
ip -n pod addr add 10.20.0.2/32 dev eth0
ip -n pod route add 10.20.0.1 dev eth0 scope link
ip link set lxc0 up
ip addr add 10.20.0.1/32 dev lxc0
ip route add 10.20.0.2/32 dev lxc0
echo "pod eth0 10.20.0.2 <-> host lxc0 10.20.0.1; no program yet, so the pod's egress is blackholed:"
if ip netns exec pod ping -c 2 -W 1 10.20.0.1 >/dev/null; then
	echo "ping passed a blackhole peer"
	exit 1
fi
show ip -n pod -s link show eth0
step "Cilium-like programs as bpf_links at the tail (BPF_F_AFTER), pinned in bpffs"
mkdir -p $PIN/cil
show "$TOOLS/nk_bpf" load "$TOOLS/nk_progs.bpf.o" $PIN/cil 0 $PIN/cil
show "$TOOLS/nk_bpf" link lxc0 peer $PIN/cil/cil_from_container $PIN/cil/from_container last
show "$TOOLS/nk_bpf" link lxc0 primary $PIN/cil/cil_to_container $PIN/cil/to_container last
show ip netns exec pod ping -c 2 -W 2 10.20.0.1
printf 'counters (fc_pass: pod to host, tc: host to pod): '
"$TOOLS/nk_bpf" counters $PIN/cil
show "$TOOLS/nk_bpf" link-update $PIN/cil/to_container $PIN/cil/cil_to_container_v2
show ip netns exec pod ping -c 1 -W 2 10.20.0.1
printf 'counters (tc_v2 now): '
"$TOOLS/nk_bpf" counters $PIN/cil
step "delete the device with the links still pinned: the links are defunct"
show ip link del lxc0
show "$TOOLS/nk_bpf" link-update $PIN/cil/to_container $PIN/cil/cil_to_container || true
rm -rf $PIN/cil
echo "(host to pod by bpf_redirect_peer, pod to pod, TCP and UDP: the nk_cilium selftest)"

step "lease a real rx queue: netdevsim with 4 rx queues"
echo "1 1 4" >/sys/bus/netdevsim/new_device
udevadm settle
nsim=$(ls /sys/bus/netdevsim/devices/netdevsim1/net/)
show ip link set "$nsim" up
show ip link add nk2 numrxqueues 2 type netkit peer name nk3 numrxqueues 2
show $YNL --spec $SPECS/netdev.yaml --do queue-create --json \
	"{\"ifindex\": $(ifindex nk3), \"type\": \"rx\", \"lease\": {\"ifindex\": $(ifindex "$nsim"), \"queue\": {\"type\": \"rx\", \"id\": 3}}}"
show $YNL --spec $SPECS/netdev.yaml --do queue-get --json \
	"{\"ifindex\": $(ifindex "$nsim"), \"type\": \"rx\", \"id\": 3}"
show ip link set nk3 netns pod
show ip -n pod -d link show nk3

step "single device mode (no iproute2 release can create one; ynl can)"
show $YNL --spec $SPECS/rt-link.yaml --do newlink --create --json \
	'{"ifname": "nks0", "num-rx-queues": 2, "linkinfo": {"kind": "netkit", "data": {"mode": "l2", "pairing": "single"}}}'
show ip link set nks0 up
show $YNL --spec $SPECS/netdev.yaml --do queue-create --json \
	"{\"ifindex\": $(ifindex nks0), \"type\": \"rx\", \"lease\": {\"ifindex\": $(ifindex "$nsim"), \"queue\": {\"type\": \"rx\", \"id\": 2}}}"
show ip -d link show nks0
show $YNL --spec $SPECS/netdev.yaml --dump queue-get --json "{\"ifindex\": $(ifindex nks0)}"

step "removing the physical device takes the netkits that lease its queues with it"
echo 1 >/sys/bus/netdevsim/del_device
udevadm settle
sleep 1
show ip -br link show type netkit
show ip -n pod -br link show type netkit
ip link del nk0
ip netns del pod
echo
echo "demo done"
