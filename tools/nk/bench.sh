#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench [IMPL=c|rust|both]: pktgen, TCP_RR and TCP_STREAM over netkit
# (and veth, loopback as references), pktgen into dummy, in the VM, wall
# clock and qemu -icount.
# Prints a markdown table; the last line is the path of the JSON result,
# which also records the git revision, the bzImage hashes, the accelerator,
# -smp, the clock mode and these parameters:
#   NK_BENCH_MODES  "wall icount" (default) or one of them
#   NK_BENCH_RUNS   boots per kernel and mode (default 5)
#   NK_BENCH_SECS   netperf seconds per test (guest time; default 3)
#   NK_BENCH_PKTS   pktgen frames per run (default 300000)
#   NK_BENCH_SCALE  pair counts for the scale workloads, icount boots only
#                   (default "1000 10000"; "" for none); the guest gets
#                   4 GiB plus 1 MiB per pair of the largest count
#   NK_BENCH_SINGLES  leased singles for the scale workloads (default 1000)
#   NK_BENCH_TARGETS  packet targets (default: netkit netkit_bpf
#                   netkit_redirect dummy, and veth loopback on the first
#                   kernel); "none" for the scale workloads only
set -euo pipefail
. "$(dirname "$0")/lib.sh"

impls=$(nk_impls c)
modes=${NK_BENCH_MODES:-wall icount}

nk_kernels "$impls"
"$NK_REPO/tools/nk/tools.sh"

out=$NK_CACHE/bench/$(date +%Y%m%d-%H%M%S)$NK_ASUF
mkdir -p "$out"
runs=${NK_BENCH_RUNS:-5}
export NK_BENCH_SECS=${NK_BENCH_SECS:-3} NK_BENCH_PKTS=${NK_BENCH_PKTS:-300000}
scale=${NK_BENCH_SCALE-1000 10000} singles=${NK_BENCH_SINGLES:-1000}
big=0
for n in $scale; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || nk_die "bench: NK_BENCH_SCALE must list pair counts"
	[ "$n" -gt "$big" ] && big=$n
done
unset NK_BENCH_SCALE NK_BENCH_SINGLES
{
	echo "revision=$(git -C "$NK_REPO" rev-parse HEAD)"
	echo "dirty=$(git -C "$NK_REPO" status --porcelain | wc -l)"
	echo "arch=$NK_ARCH"
	for i in $impls; do
		IMPL=$i nk_kernel_vars
		echo "bzimage_$i=$(sha256sum "$NK_BZIMAGE" | cut -d' ' -f1)"
	done
	echo "modes=$modes"
	echo "runs=$runs"
	echo "secs=$NK_BENCH_SECS"
	echo "pkts=$NK_BENCH_PKTS"
	echo "scale=$scale"
	echo "singles=$singles"
	echo "targets=${NK_BENCH_TARGETS:-default}"
} >"$out/meta.txt"
# Kernels alternate run by run (one boot per run), so slow drifts of the host
# hit both alike. veth and loopback are measured on the first kernel only.
for r in $(seq "$runs"); do
	for mode in $modes; do
		for i in $impls; do
			dir=$out/$i-$mode
			mkdir -p "$dir/run$r"
			nk_say "bench: run $r/$runs, $i kernel, $mode clock"
			flag=() sc=()
			# the scale workloads: instruction counts only
			# (a pod costs ~0.7 MiB)
			[ "$mode" = icount ] && flag=(--icount) sc=(NK_BENCH_SCALE="$scale" NK_BENCH_SINGLES="$singles"
				NK_VM_MEM=$((4096 + big)))
			others=0
			[ "$i" = "${impls%% *}" ] && others=1
			env NK_RUN_DIR="$dir/run$r" IMPL="$i" NK_BENCH_OTHERS=$others NK_BENCH_RUNS=1 "${sc[@]}" \
				"$NK_REPO/tools/nk/vm.sh" "${flag[@]}" -- "$NK_REPO/tools/nk/guest/bench.sh" ||
				nk_die "bench: run failed ($i, $mode); console log $dir/run$r/console.log"
			cat "$dir/run$r/bench.txt" >>"$dir/bench.txt"
		done
	done
done
python3 "$NK_REPO/tools/nk/bench-report.py" "$out"
