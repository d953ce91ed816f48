#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Overlay the repo onto the 7.3 source, configure and build one kernel.
#   IMPL=c|rust   netkit implementation (own build directory each)
#   KDEBUG=0      the plain kernel (with the kernel crate's KUnit doctests)
#   KDEBUG=1      lockdep, PROVE_RCU, KASAN, kmemleak, DEBUG_NET
#   KDEBUG=lock   lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_NET; no KASAN
#                 or kmemleak
#   KDEBUG=kcsan  KCSAN on net/ and the C netkit
#   KDEBUG=cov    gcov (C) or KCOV (Rust) for the netkit object
# Each KDEBUG has its own build directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
nk_kernel_vars

"$NK_REPO/tools/nk/env.sh"


# fragments IMPL: the config fragments of that implementation's kernel.
fragments() {
	echo "$NK_REPO/tools/nk/config/lean.config"
	echo "$NK_REPO/tools/nk/config/lean-$NK_ARCH.config"
	echo "$NK_REPO/tools/testing/selftests/drivers/net/netkit/config"
	echo "$NK_REPO/tools/testing/selftests/drivers/net/dummy/config"
	# The drivers/net/hw netkit selftests' (nk_qlease.py, nk_devmem.py).
	echo "$NK_PRISTINE/tools/testing/selftests/drivers/net/hw/config"
	echo "$NK_REPO/tools/nk/config/vm.config"
	echo "$NK_REPO/tools/nk/config/impl-$1.config"
	case $KDEBUG in
	1) echo "$NK_REPO/tools/nk/config/debug.config" ;;
	lock | kcsan) echo "$NK_REPO/tools/nk/config/$KDEBUG.config" ;;
	*) echo "$NK_REPO/tools/nk/config/kunit.config" ;;
	esac
	[ "$KDEBUG" != cov ] || echo "$NK_REPO/tools/nk/config/cov-$1.config"
}
FRAGMENTS=$(fragments "$IMPL")
# KDEBUG kernels get their own release (e.g. 7.3.0-nk-rust-debug), so each
# kernel's modules have their own /lib/modules directory in the rootfs.
MAKE="make -C $NK_KSRC O=$NK_KBUILD ARCH=$NK_KARCH LLVM=1 LOCALVERSION=$NK_KSUF"
# KDEBUG=cov: gcov for the C netkit, KCOV for the Rust one, nothing else.
if [ "$KDEBUG" = cov ]; then
	case $IMPL in
	c) MAKE="$MAKE GCOV_PROFILE_netkit.o=y" ;;
	rust) MAKE="$MAKE KCOV_INSTRUMENT_netkit.o=y" ;;
	esac
fi
# KDEBUG=kcsan: KCSAN for net/ and the C netkit, not for the rest of the
# kernel (races there are not ours, and instrumenting everything slows TCG
# down). A command-line KCSAN_SANITIZE overrides every directory's own;
# make hands it to the sub-makes unexpanded, so $(obj) is each one's.
KCSAN=()
if [ "$KDEBUG" = kcsan ]; then
	# shellcheck disable=SC2016 # expanded by make
	KCSAN=('KCSAN_SANITIZE=$(if $(filter net net/%,$(obj)),y,n)' KCSAN_SANITIZE_netkit.o=y)
fi

# config_want IMPL: the config stamp a build dir of IMPL must carry. The
# fragments, the patches (they add Kconfig symbols, whose defaults `make`
# would otherwise apply silently) and the functions below decide it.
config_want() {
	(cat $(fragments "$1") "$NK_REPO"/patches/*.patch; declare -f configure check_config nk_config_disagrees) |
		sha256sum | cut -d' ' -f1
}

# config_current DIR IMPL: DIR was configured with today's fragments.
config_current() {
	[ -f "$1/.config" ] && [ "$(cat "$1/.nk-config-stamp" 2>/dev/null)" = "$(config_want "$2")" ]
}

configure() {
	local stamp=$NK_KBUILD/.nk-config-stamp want
	want=$(config_want "$IMPL")
	config_current "$NK_KBUILD" "$IMPL" && return 0
	mkdir -p "$NK_KBUILD"
	local log=$NK_LOGS/config-$IMPL$NK_KSUF$NK_ASUF.log
	nk_run "config ($IMPL): rustavailable" "$log.rust" nk_chroot $MAKE rustavailable
	# allnoconfig with the fragments: what no fragment asks for (or selects)
	# is off. merge_config.sh -n runs make in the current directory.
	nk_run "config ($IMPL): allnoconfig + fragments" "$log" nk_chroot sh -c "
		cd $NK_KSRC && LLVM=1 ARCH=$NK_KARCH scripts/kconfig/merge_config.sh -n -O $NK_KBUILD $(echo $FRAGMENTS)"
	check_config "after allnoconfig (log: $log)"
	echo "$want" >"$stamp"
}

# Fail loudly when a symbol we asked for is not what .config says.
check_config() {
	local bad
	bad=$(nk_config_disagrees "$NK_KBUILD/.config" $FRAGMENTS)
	[ -z "$bad" ] || nk_die "config ($IMPL): .config disagrees $1: $bad"
}

# KDEBUG=kcsan: the objects KCSAN_SANITIZE above selects, and only those,
# call into KCSAN.
check_kcsan() {
	local o want
	for o in net/core/dev.o net/ipv6/ndisc.o drivers/net/netkit.o kernel/fork.o fs/9p/vfs_file.o; do
		[ -f "$NK_KBUILD/$o" ] || continue
		want=n
		case $o in net/* | drivers/net/netkit.o) want=y ;; esac
		# grep reads all of llvm-nm's output: -q would exit at the first
		# match, and under pipefail llvm-nm's SIGPIPE would fail the test.
		if nk_chroot llvm-nm "$NK_KBUILD/$o" | grep ' U __tsan_' >/dev/null; then
			[ $want = y ] || nk_die "build ($IMPL$NK_KSUF): $o is KCSAN-instrumented, only net/ and netkit should be"
		else
			[ $want = n ] || nk_die "build ($IMPL$NK_KSUF): $o is not KCSAN-instrumented"
		fi
	done
}

# A new build directory starts as a copy of a built sibling with the same
# KDEBUG (the kernels differ in a few objects): minutes instead of a full
# build.
sibling() {
	local other
	for other in c rust; do
		[ "$other" = "$IMPL" ] && continue
		other=$NK_CACHE/build$NK_ASUF/$other$NK_KSUF
		[ -f "$other/$NK_KIMAGE_PATH" ] && echo "$other" && return 0
	done
	# KDEBUG=cov differs from the plain kernel of its IMPL in gcov (or
	# KCOV) alone.
	other=$NK_CACHE/build$NK_ASUF/$IMPL
	[ "$KDEBUG" = cov ] && [ -f "$other/$NK_KIMAGE_PATH" ] && echo "$other"
	return 0
}

seed_from() {
	nk_say "build: seeding $NK_KBUILD from $1"
	rm -rf "$NK_KBUILD.tmp"
	cp -a "$1" "$NK_KBUILD.tmp"
	rm -rf "$NK_KBUILD"
	mv "$NK_KBUILD.tmp" "$NK_KBUILD"
	rm -f "$NK_KBUILD/.nk-config-stamp"
}

seed() {
	local sib
	[ -f "$NK_KBUILD/.config" ] && return 0
	sib=$(sibling)
	[ -z "$sib" ] || seed_from "$sib"
}

# config_diff A B: how many symbols two .config files set differently.
config_diff() {
	diff <(grep -E '^(# )?CONFIG_' "$1" | sort) <(grep -E '^(# )?CONFIG_' "$2" | sort) |
		grep -c '^[<>]' || true
}

# A reconfigured directory whose new .config is closer to the sibling's than
# to its own old one (e.g. a fragment added CONFIG_KUNIT, which rebuilds
# most of the tree) starts over from a copy of the sibling.
reseed() {
	local old=$1 sib new=$NK_KBUILD/.config
	[ -f "$old" ] || return 0
	sib=$(sibling)
	[ -n "$sib" ] && [ -f "$sib/.config" ] || return 0
	[ "$(config_diff "$new" "$sib/.config")" -lt "$(config_diff "$new" "$old")" ] || return 0
	cp -p "$new" "$NK_KBUILD.newconfig"
	cp -p "$NK_KBUILD/.nk-config-stamp" "$NK_KBUILD.newstamp"
	seed_from "$sib"
	mv "$NK_KBUILD.newconfig" "$new"
	mv "$NK_KBUILD.newstamp" "$NK_KBUILD/.nk-config-stamp"
}

nk_overlay
seed
old_config=$NK_KBUILD.oldconfig
rm -f "$old_config"
[ ! -f "$NK_KBUILD/.config" ] || config_current "$NK_KBUILD" "$IMPL" ||
	cp -p "$NK_KBUILD/.config" "$old_config"
configure
reseed "$old_config"
rm -f "$old_config"
log=$NK_LOGS/build-$IMPL$NK_KSUF$NK_ASUF.log
# Progress once a minute: objects compiled so far, against the object count
# of the last complete build of this directory (or of a sibling).
objs=$NK_KBUILD/.nk-objects
full=$(cat "$objs" 2>/dev/null || cat "$(sibling)/.nk-objects" 2>/dev/null || true)
# The sleep is waited for, so that the TERM below ends it too: an orphaned
# sleep would hold the cache lock (fd 9) and the output for up to a minute.
progress() {
	local n s
	trap 'kill $s 2>/dev/null; exit 0' TERM
	while :; do
		sleep 60 &
		s=$!
		wait $s
		n=$(grep -cE '^  (CC|AS|RUSTC)( [A-Z])? ' "$log" || true)
		if [ -n "$full" ]; then
			nk_say "build ($IMPL$NK_KSUF): $n of ~$full objects compiled ($((n * 100 / full))% of a full build)"
		else
			nk_say "build ($IMPL$NK_KSUF): $n objects compiled"
		fi
	done
}
progress 9>&- &
prog=$!
nk_on_exit "kill $prog 2>/dev/null"
nk_run "build ($IMPL$NK_KSUF): make -j$(nproc) $NK_KIMAGE_TARGET modules" "$log" \
	nk_chroot $MAKE "${KCSAN[@]}" -j"$(nproc)" "$NK_KIMAGE_TARGET" modules
kill $prog 2>/dev/null || true
[ "$KDEBUG" != kcsan ] || check_kcsan
# Into the guest's root, where modprobe finds them: the build rootfs itself
# on x86_64.
modroot=/
[ "$NK_GROOT" = "$NK_ROOTFS" ] || modroot=$NK_GROOT
nk_run "build ($IMPL$NK_KSUF): modules_install" "$NK_LOGS/modules-$IMPL$NK_KSUF$NK_ASUF.log" \
	nk_chroot $MAKE INSTALL_MOD_PATH="$modroot" modules_install
find "$NK_KBUILD" -name '*.o' | wc -l >"$objs"
check_config "after the build"
grep -E '^CONFIG_NETKIT' "$NK_KBUILD/.config" | sed 's/^/  /' >&2
nk_say "kernel: $NK_BZIMAGE"
