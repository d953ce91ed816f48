#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM for `make bench`: each workload over a netkit pair, the
# same pair with programs attached, a pod reached by bpf_redirect_peer, a
# veth pair and loopback, pktgen into a dummy device, several alternating
# runs; then the scale
# workloads (scale.py). Writes "workload target value" lines to
# $NK_RUN/bench.txt.
#   NK_BENCH_RUNS  runs per workload and target (default 5)
#   NK_BENCH_SECS  netperf duration in guest seconds (default 3)
#   NK_BENCH_PKTS  pktgen packets per run (default 300000)
#   NK_BENCH_OTHERS=0  measure the netkit targets only (no veth, loopback)
#   NK_BENCH_TARGETS   the targets to measure, instead of the netkit ones
#                      (and veth, loopback); "none" for the scale workloads
#   NK_BENCH_SCALE, NK_BENCH_SINGLES  sizes for scale.py ("" and 0: none)
set -eu
RUNS=${NK_BENCH_RUNS:-5}
SECS=${NK_BENCH_SECS:-3}
PKTS=${NK_BENCH_PKTS:-300000}
OTHERS=${NK_BENCH_OTHERS:-1}
OUT=$NK_RUN/bench.txt
: >"$OUT"

TOOLS=$NK_TOOLS
PIN=/sys/fs/bpf/nk_bench

# Not `ip netns exec`: its fresh sysfs hides the bpffs on /sys/fs/bpf.
nk_bpf() { # NS ARGS...
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$TOOLS/nk_bpf" "$@" >/dev/null || die "nk_bpf $*: failed"
}

# The sender in namespace a, the server (10.77.0.2) in b:
#   netkit           a:d0 netkit L3 pair b:d1
#   netkit_bpf       the same, with a program that counts and passes
#                    (nk_pass) linked on the primary and on the peer
#   netkit_redirect  a:eth0 veth h:up0 (the host's uplink), h:d0 netkit L3
#                    pair b:d1 (the pod); up0's tcx ingress program
#                    bpf_redirect_peer()s to d1 (cil_from_netdev), nk_pass
#                    linked on the peer, h routes replies back: Cilium's
#                    path from a remote node into a pod
#   veth             a:d0 veth pair b:d1
#   loopback         a single namespace, both addresses on lo
#   dummy            a:d0 dummy (pktgen only: it counts and frees)
# PKTDEV is pktgen's device in a; frames go to MACDEV's MAC in MACNS.
setup() {
	ip netns add a
	ip -n a link set lo up
	PKTDEV=d0
	case $1 in
	netkit | netkit_bpf | veth)
		ip netns add b
		ip -n b link set lo up
		if [ "$1" = veth ]; then
			ip -n a link add d0 type veth peer name d1
		else
			ip -n a link add d0 type netkit mode l3 peer name d1
		fi
		ip -n a link set d1 netns b
		ip -n a addr add 10.77.0.1/24 dev d0
		ip -n b addr add 10.77.0.2/24 dev d1
		ip -n a link set d0 up
		ip -n b link set d1 up
		SRV=b MACNS=b MACDEV=d1
		if [ "$1" = netkit_bpf ]; then
			mkdir -p "$PIN"
			nk_bpf a load "$TOOLS/nk_progs.bpf.o" "$PIN"
			nk_bpf a link d0 primary "$PIN/nk_pass" "$PIN/primary"
			nk_bpf a link d0 peer "$PIN/nk_pass" "$PIN/peer"
		fi
		;;
	netkit_redirect)
		ip netns add h
		ip netns add b
		ip -n h link set lo up
		ip -n b link set lo up
		ip netns exec h sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
		ip -n a link add eth0 type veth peer name up0 netns h
		ip -n a addr add 10.77.9.2/24 dev eth0
		ip -n a link set eth0 up
		ip -n a route add 10.77.0.0/24 via 10.77.9.1
		ip -n h addr add 10.77.9.1/24 dev up0
		ip -n h link set up0 up
		ip -n h link add d0 type netkit mode l3 peer name d1 netns b
		ip -n h link set d0 up
		ip -n h route add 10.77.0.2/32 dev d0
		ip -n b addr add 10.77.0.2/32 dev d1
		ip -n b link set d1 up
		ip -n b route add default dev d1
		mkdir -p "$PIN"
		nk_bpf h load "$TOOLS/nk_progs.bpf.o" "$PIN"
		nk_bpf h map-update "$PIN/endpoints" 10.77.0.2 \
			"$(ip netns exec h cat /sys/class/net/d0/ifindex),00:00:00:00:00:00,00:00:00:00:00:00"
		nk_bpf h link up0 ingress "$PIN/cil_from_netdev" "$PIN/uplink"
		nk_bpf h link d0 peer "$PIN/nk_pass" "$PIN/peer"
		SRV=b MACNS=h MACDEV=up0 PKTDEV=eth0
		;;
	loopback)
		ip -n a addr add 10.77.0.2/32 dev lo
		SRV=a
		;;
	dummy)
		ip -n a link add d0 type dummy
		ip -n a link set d0 up
		SRV=a MACNS=a MACDEV=d0
		return
		;;
	esac
	ip netns exec $SRV netserver -4 -L 10.77.0.2 >/dev/null 2>&1
	sleep 0.2
}

teardown() {
	local ns
	for ns in a b h; do
		ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null || true
	done
	sleep 0.2
	rm -rf "$PIN"
	ip -all netns delete
}

die() {
	echo "bench: $*" >&2
	exit 1
}

# number WHAT VALUE: VALUE if it is a number, else the run fails.
number() {
	[[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1: no measurement (got '$2')"
	echo "$2"
}

netperf_run() { # TEST
	local v
	v=$(ip netns exec a netperf -4 -H 10.77.0.2 -t "$1" -l "$SECS" -P 0 -- -o THROUGHPUT 2>&1 |
		tail -n 1 | tr -d ' ')
	number "netperf $1 on $T" "$v"
}

# sent_count: frames the target took (UDP NoPorts of the server, or the
# dummy's tx_packets).
sent_count() {
	if [ "$T" = dummy ]; then
		ip -n a -s -j link show d0 |
			python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])'
	else
		udp_noports "$SRV"
	fi
}

# udp_noports NS: UDP datagrams NS received for a port nobody listens on.
udp_noports() {
	ip netns exec "$1" awk '/^Udp:/ {
		if (!c) { for (i = 2; i <= NF; i++) if ($i == "NoPorts") c = i; next }
		print $c
	}' /proc/net/snmp
}

# pktgen from namespace a into d0: 64-byte UDP frames to
# port 9 of the peer, addressed to the peer's MAC, so every target delivers
# each frame to UDP (no socket: NoPorts, rate-limited ICMP); a dummy counts
# and frees them. Every frame sent must be counted, or the run fails.
pktgen_run() { # DEV
	local dev=$1 pg=/proc/net/pktgen mac before after v
	mac=$(ip -n "$MACNS" -j link show "$MACDEV" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
	before=$(sent_count)
	v=$(ip netns exec a sh -c "
		echo rem_device_all >$pg/kpktgend_0
		echo add_device $dev >$pg/kpktgend_0
		echo 'count $PKTS' >$pg/$dev
		echo 'clone_skb 0' >$pg/$dev
		echo 'pkt_size 64' >$pg/$dev
		echo 'delay 0' >$pg/$dev
		echo 'dst 10.77.0.2' >$pg/$dev
		echo 'dst_mac $mac' >$pg/$dev
		echo 'udp_dst_min 9' >$pg/$dev
		echo 'udp_dst_max 9' >$pg/$dev
		echo start >$pg/pgctrl
		sed -n 's/.* \([0-9]*\)pps.*/\1/p' $pg/$dev
		echo rem_device_all >$pg/kpktgend_0
	")
	after=$(sent_count)
	[ $((after - before)) -ge "$PKTS" ] ||
		die "pktgen on $T: $PKTS frames sent, $((after - before)) counted"
	number "pktgen on $T" "$v"
}

measure() { # TARGET
	local v
	T=$1
	setup "$T"
	# pktgen on lo: the frames never reach the UDP counters (NoPorts stays
	# 0), so it is not the same work as the pairs'; not measured.
	if [ "$T" != loopback ]; then
		v=$(pktgen_run "$PKTDEV")
		echo "pktgen_xmit $T $v" | tee -a "$OUT"
	fi
	if [ "$T" = dummy ]; then
		teardown
		return
	fi
	v=$(netperf_run TCP_RR)
	echo "tcp_rr $T $v" | tee -a "$OUT"
	v=$(netperf_run TCP_STREAM)
	echo "tcp_stream $T $v" | tee -a "$OUT"
	teardown
}

modprobe pktgen 2>/dev/null || true
[ -d /proc/net/pktgen ] || { echo "no /proc/net/pktgen (CONFIG_NET_PKTGEN)"; exit 1; }
if [ -n "${NK_BENCH_TARGETS:-}" ]; then
	targets=${NK_BENCH_TARGETS/none/}
else
	targets="netkit netkit_bpf netkit_redirect dummy"
	[ "$OTHERS" = 1 ] && targets="$targets veth loopback"
fi
for r in $(seq "$RUNS"); do
	echo "# run $r/$RUNS"
	for t in $targets; do
		measure "$t"
	done
done
if [ -n "${NK_BENCH_SCALE:-}" ] || [ "${NK_BENCH_SINGLES:-0}" != 0 ]; then
	echo "# scale: pairs ${NK_BENCH_SCALE:-none}, singles ${NK_BENCH_SINGLES:-0}"
	python3 "$NK_REPO/tools/nk/guest/scale.py" || die "scale workloads failed"
fi
