#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make build-matrix [MATRIX="arm riscv loongarch s390 um"] [IMPL=c|rust|both]:
# for each architecture that 7.3's Documentation/rust/arch-support.rst lists
# beside x86_64 and arm64 (which `make kernel` builds and the VM boots),
# configure allnoconfig with tools/nk/config/matrix.config, matrix-ARCH.config
# and impl-IMPL.config, and build vmlinux and the modules: IMPL's netkit and
# dummy, the net abstractions and the kernel crate with its KUnit doctests,
# warnings as errors. Then check that the drivers were built and, on 32-bit
# arm, that no Rust object calls __aeabi_uldivmod (u64 division, which the
# kernel crate links to a stub that panics). One line per arch and IMPL:
# ok or FAIL, the time, and the log. Build trees in $NK_CACHE/build-matrix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=${MATRIX:-arm riscv loongarch s390 um}
impls=$(nk_impls both)
for a in $arches; do
	case $a in arm | riscv | loongarch | s390 | um) ;;
	*) nk_die "build-matrix: MATRIX lists arm, riscv, loongarch, s390 or um, not '$a'" ;;
	esac
done
"$NK_REPO/tools/nk/env.sh"
nk_overlay

# build A IMPL DIR LOG: configure and build; the reason of a failure on fd 3.
build() {
	local a=$1 impl=$2 dir=$3 log=$4 frags f bad extra=
	[ "$a" != um ] || extra=SUBARCH=x86_64
	frags="$NK_REPO/tools/nk/config/matrix.config $NK_REPO/tools/nk/config/impl-$impl.config"
	f=$NK_REPO/tools/nk/config/matrix-$a.config
	[ ! -f "$f" ] || frags="$frags $f"
	mkdir -p "$dir"
	if ! nk_chroot make -C "$NK_KSRC" O="$dir" ARCH="$a" LLVM=1 $extra rustavailable >>"$log" 2>&1; then
		echo "rustavailable: $(grep -m1 -iE 'error|too old|not' "$log" || echo 'failed')" >&3
		return 1
	fi
	nk_chroot sh -c "cd $NK_KSRC && LLVM=1 ARCH=$a $extra scripts/kconfig/merge_config.sh -n -O $dir $frags" \
		>>"$log" 2>&1 || { echo "config failed" >&3; return 1; }
	bad=$(nk_config_disagrees "$dir/.config" $frags)
	[ -z "$bad" ] || { echo ".config disagrees: $bad" >&3; return 1; }
	nk_chroot make -C "$NK_KSRC" O="$dir" ARCH="$a" LLVM=1 $extra -j"$(nproc)" vmlinux modules \
		>>"$log" 2>&1 || { echo "build failed: $(grep -m1 -E '^(error|.*: error)' "$log" || echo see log)" >&3; return 1; }
	local objs
	case $impl in
	c) objs="drivers/net/netkit.o drivers/net/dummy.ko" ;;
	rust) objs="drivers/net/netkit/netkit.o drivers/net/dummy/dummy.ko" ;;
	esac
	for f in $objs; do
		[ -f "$dir/$f" ] || { echo "no $f" >&3; return 1; }
	done
	if [ "$a" = arm ]; then
		for f in $(cd "$dir" && find drivers/net rust -name '*.o' -newer .config); do
			case $f in rust/core.o | rust/compiler_builtins.o) continue ;; esac
			if nk_chroot llvm-nm "$dir/$f" 2>/dev/null | grep -q ' U __aeabi_uldivmod$'; then
				echo "$f calls __aeabi_uldivmod (u64 division: a panic on arm)" >&3
				return 1
			fi
		done
	fi
}

mkdir -p "$NK_CACHE/build-matrix"
results=()
fail=0
for a in $arches; do
	for i in $impls; do
		dir=$NK_CACHE/build-matrix/$a-$i
		log=$NK_LOGS/matrix-$a-$i.log
		: >"$log"
		t0=$(date +%s)
		nk_say "build-matrix: $a $i (log: $log)"
		if why=$(build "$a" "$i" "$dir" "$log" 3>&1 >/dev/null); then
			res="ok   $a.$i $(($(date +%s) - t0))s"
		else
			res="FAIL $a.$i $(($(date +%s) - t0))s: $why (log: $log)"
			fail=1
		fi
		nk_say "build-matrix: $res"
		results+=("$res")
	done
done
printf '%s\n' "${results[@]}"
[ "$fail" = 0 ] || nk_die "build-matrix: FAILED (see above)"
nk_say "build-matrix: PASS"
