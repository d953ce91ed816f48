#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz [IMPL=c|rust|both] [SEED=n] [N=n]: the differential netkit fuzzer
# (tools/nk/guest/fuzz.py) in the VM, N requests per driver from SEED. With
# IMPL=both the C and the Rust transcripts are compared; any difference, or
# a kernel report in dmesg, fails. Runs longer than NK_FUZZ_PER_BOOT
# requests (default 10000) are split into boots of that many, each with its
# own seed (SEED, SEED+1, ...). With IMPL=both the C and the Rust boot of a
# seed run side by side, one guest CPU each, and the command holds the cache
# lock throughout. Otherwise each kernel build and each boot takes the lock
# by itself, so other commands get their turn between boots.
#   NK_FUZZ_EPOCH  requests between resets of the guest's world (default 250)
#   NK_FUZZ_NO_BUILD=1  boot the kernels as they are (no kernel.sh)
#   NK_FUZZ_PARALLEL=0  IMPL=both boots one kernel after the other (always
#                       with KDEBUG=kcsan)
set -euo pipefail
sub=()
par=0
# KCSAN sees races between CPUs only: its kernels get two each.
if [ "${IMPL:-both}" = both ] && [ "${NK_FUZZ_PARALLEL:-1}" = 1 ] && [ "${KDEBUG:-0}" != kcsan ]; then
	par=1
elif [ -z "${NK_TOP:-}" ]; then
	NK_TOP=fuzz
	sub=(env -u NK_TOP)
fi
. "$(dirname "$0")/lib.sh"

impls=$(nk_impls both)
seed=${SEED:-1}
n=${N:-2000}
per=${NK_FUZZ_PER_BOOT:-10000}
[[ $seed =~ ^[0-9]+$ && $n =~ ^[0-9]+$ && $per =~ ^[1-9][0-9]*$ ]] ||
	nk_die "SEED, N and NK_FUZZ_PER_BOOT must be numbers"

[ "${NK_FUZZ_NO_BUILD:-0}" = 1 ] || nk_kernels "$impls" "${sub[@]}"

out=$NK_CACHE/run/fuzz-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
t0=$(date +%s)
fail=0
total=0
boots=0
divergent=0
left=$n
s=$seed
# boot IMPL SEED COUNT: one fuzz boot; its output is prefixed with IMPL when
# it runs beside the other kernel's.
boot() {
	local dir=$out/$1-seed$2
	mkdir -p "$dir"
	NK_RUN_DIR=$dir IMPL=$1 NK_FUZZ_SEED=$2 NK_FUZZ_N=$3 NK_FUZZ_EPOCH=${NK_FUZZ_EPOCH:-250} \
		"${sub[@]}" "$NK_REPO/tools/nk/vm.sh" -- "$NK_REPO/tools/nk/guest/fuzz.py"
}
if [ "$par" = 1 ]; then
	# Mount the rootfs once, before two boots would race to.
	"$NK_REPO/tools/nk/env.sh"
fi
while [ "$left" -gt 0 ]; do
	cnt=$((left < per ? left : per))
	pids=()
	for i in $impls; do
		nk_say "fuzz: seed $s, $cnt requests, $i kernel"
		if [ "$par" = 1 ]; then
			NK_VM_SMP=1 boot "$i" "$s" "$cnt" 2>&1 | sed -u "s/^/[$i] /" &
			pids+=("$!:$i")
		elif ! boot "$i" "$s" "$cnt"; then
			nk_say "fuzz: FAILED on the $i kernel (seed $s); console log $out/$i-seed$s/console.log"
			fail=1
		fi
		boots=$((boots + 1))
	done
	for p in "${pids[@]}"; do
		if ! wait "${p%%:*}"; then
			nk_say "fuzz: FAILED on the ${p#*:} kernel (seed $s); console log $out/${p#*:}-seed$s/console.log"
			fail=1
		fi
	done
	if [ "$impls" = "c rust" ] && [ -f "$out/c-seed$s/fuzz.txt" ] && [ -f "$out/rust-seed$s/fuzz.txt" ]; then
		if ! diff -u "$out/c-seed$s/fuzz.txt" "$out/rust-seed$s/fuzz.txt" >"$out/seed$s.diff"; then
			d=$(diff <(grep '^#[0-9]' "$out/c-seed$s/fuzz.txt") \
				<(grep '^#[0-9]' "$out/rust-seed$s/fuzz.txt") | grep -c '^<' || true)
			nk_say "fuzz: seed $s: transcripts differ ($d request lines; first differences below; all: $out/seed$s.diff)"
			grep -m 12 -E '^[-+][^-+]' "$out/seed$s.diff" >&2 || true
			divergent=$((divergent + 1))
			fail=1
		else
			rm -f "$out/seed$s.diff"
		fi
	fi
	total=$((total + cnt))
	left=$((left - cnt))
	s=$((s + 1))
done

# requests that really ran (a failed boot may have stopped early)
ran=
for i in $impls; do
	r=$(cat "$out/$i"-seed*/fuzz.txt 2>/dev/null | grep -c '^#[0-9]' || true)
	ran="$ran $i=$r"
done
nk_say "fuzz: summary: IMPL=${IMPL:-both} SEED=$seed N=$n: $total requests per driver asked,$ran run," \
	"$boots boots, $divergent seeds with divergences, $(($(date +%s) - t0))s; transcripts in $out"
[ "$fail" = 0 ] || nk_die "fuzz: FAILED (divergence, splat or guest failure; see above)"
nk_say "fuzz: PASS"
