#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM: memory cost of a netkit pair with 1 and with 1024 rx queues
# per side, from MemFree (plus Slab and Percpu) before and after creating N
# pairs. Prints "rxqueues=Q kib_per_pair=K slab_kib_per_pair=S".
N=${NK_MEM_PAIRS:-16}

meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }

settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# One untimed round first: caches and per-namespace state that the first
# netkit ever creates would otherwise land in the first measurement.
for i in $(seq "$N"); do ip link add "mc$i" type netkit peer name "mcp$i"; done
for i in $(seq "$N"); do ip link del "mc$i"; done

for q in 1 1024 1; do
	settle
	free0=$(meminfo MemFree) slab0=$(meminfo Slab)
	for i in $(seq "$N"); do
		ip link add "mc$i" numrxqueues "$q" type netkit peer name "mcp$i" numrxqueues "$q" || exit 1
	done
	settle
	free1=$(meminfo MemFree) slab1=$(meminfo Slab)
	echo "rxqueues=$q kib_per_pair=$(((free0 - free1) / N)) slab_kib_per_pair=$(((slab1 - slab0) / N))"
	for i in $(seq "$N"); do ip link del "mc$i"; done
done
