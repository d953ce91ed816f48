#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress [IMPL=c|rust|both] [SECS=n] [CYCLES=n]: tools/nk/guest/stress.py
# in the VM for SECS seconds (default 600) per kernel, or until CYCLES
# create/delete cycles are done if that comes first: netkit pairs and leased
# singles created and deleted, programs attached under traffic, netns moves
# and deletes under them. Fails on a worker failure, anything left behind, a
# kernel report in dmesg or a kmemleak report. KDEBUG=1|lock|kcsan runs it
# on those kernels (tools/nk/kernel.sh).
#   NK_STRESS_PAIRS, NK_STRESS_SINGLES  workers of each kind (2, 1)
#   NK_STRESS_SEED                      seed of the workers' choices (1)
#   NK_STRESS_NO_BUILD=1                boot the kernels as they are
#   NK_STRESS_PARALLEL=1                IMPL=both, not KDEBUG=kcsan: the two
#                                       kernels side by side, one guest
#                                       CPU each
set -euo pipefail
sub=()
par=0
# KCSAN sees races between CPUs only: its kernels get two each.
if [ "${IMPL:-both}" = both ] && [ "${NK_STRESS_PARALLEL:-0}" = 1 ] && [ "${KDEBUG:-0}" != kcsan ]; then
	par=1
elif [ -z "${NK_TOP:-}" ]; then
	NK_TOP=stress
	sub=(env -u NK_TOP)
fi
. "$(dirname "$0")/lib.sh"

impls=$(nk_impls both)
secs=${SECS:-600}
[[ $secs =~ ^[1-9][0-9]*$ ]] || nk_die "SECS must be a number of seconds"
cycles=${CYCLES:-}
[ -z "$cycles" ] || [[ $cycles =~ ^[1-9][0-9]*$ ]] || nk_die "CYCLES must be a number of cycles"

# A long run gets an hour beyond its seconds for boot and the leak checks.
if [ -z "${NK_VM_TIMEOUT:-}" ] && [ "$secs" -gt 1800 ]; then
	export NK_VM_TIMEOUT=$((secs + 3600))
fi

[ "${NK_STRESS_NO_BUILD:-0}" = 1 ] || nk_kernels "$impls" "${sub[@]}"

out=$NK_CACHE/run/stress-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
fail=0
# run IMPL: one stress boot of IMPL's kernel.
run() {
	IMPL=$1 nk_kernel_vars
	local dir=$out/$1$NK_KSUF
	mkdir -p "$dir"
	nk_say "stress: ${secs}s${cycles:+ or $cycles cycles} on the $1$NK_KSUF kernel"
	if ! NK_RUN_DIR=$dir IMPL=$1 NK_STRESS_SECS=$secs NK_STRESS_CYCLES=$cycles \
		"${sub[@]}" "$NK_REPO/tools/nk/vm.sh" -- "$NK_REPO/tools/nk/guest/stress.py"; then
		nk_say "stress: FAILED on the $1 kernel; console log $dir/console.log"
		return 1
	fi
	[ ! -f "$dir/stress.txt" ] || tail -n 2 "$dir/stress.txt" | while read -r l; do nk_say "$1: $l"; done
}
pids=()
if [ "$par" = 1 ]; then
	# Mount the rootfs once, before two boots would race to.
	"$NK_REPO/tools/nk/env.sh"
fi
for i in $impls; do
	if [ "$par" = 1 ]; then
		NK_VM_SMP=${NK_VM_SMP:-1} run "$i" 2>&1 | sed -u "s/^/[$i] /" &
		pids+=("$!")
	else
		run "$i" || fail=1
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || fail=1
done
[ "$fail" = 0 ] || nk_die "stress: FAILED (see above; results in $out)"
nk_say "stress: PASS (results in $out)"
