#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM: the setup the drivers/net/hw tests expect with NETIF set,
# a NIC and a remote host, made of a netdevsim pair with 4 queues each: the
# local end in this netns, the remote one in netns nk-remote, which routes
# LOCAL_PREFIX_V6 to the local end. Prints the variables for the tests
# (NETIF=... LOCAL_V6=...), one per line.
set -euo pipefail
modprobe netdevsim 2>/dev/null || true
new() {
	echo "$1 1 4" >/sys/bus/netdevsim/new_device
	udevadm settle 2>/dev/null || true
	ls "/sys/bus/netdevsim/devices/netdevsim$1/net/"
}
a=$(new 101)
b=$(new 102)
ip netns add nk-remote
ip link set "$b" netns nk-remote
exec {fa}</proc/self/ns/net {fb}</var/run/netns/nk-remote
echo "$fa:$(cat "/sys/class/net/$a/ifindex") $fb:$(ip netns exec nk-remote cat "/sys/class/net/$b/ifindex")" \
	>/sys/bus/netdevsim/link_device
exec {fa}<&- {fb}<&-
ip -6 addr add 2001:db8:1::1/64 dev "$a" nodad
ip link set "$a" up
ip -n nk-remote -6 addr add 2001:db8:1::2/64 dev "$b" nodad
ip -n nk-remote link set "$b" up
# The remote host reaches the local prefix (LOCAL_PREFIX_V6) through us.
ip -n nk-remote -6 route add "$LOCAL_PREFIX_V6" via 2001:db8:1::1
echo "NETIF=$a"
echo "LOCAL_V6=2001:db8:1::1"
echo "REMOTE_V6=2001:db8:1::2"
echo "REMOTE_TYPE=netns"
echo "REMOTE_ARGS=nk-remote"
