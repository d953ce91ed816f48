#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the IMPL/KDEBUG kernel under qemu with the rootfs as 9p root and run a
# command in it as root:  vm.sh [--icount] [--interactive] -- CMD...
# Output streams to the terminal; the exit status is CMD's, or non-zero when
# dmesg shows a WARN/BUG/Oops/lockdep/KASAN/KCSAN/kmemleak report or a Rust
# panic.
# A run that does not finish within NK_VM_TIMEOUT seconds (default 5400,
# 4 x that with KDEBUG=1, lock or kcsan; none for --interactive) is stopped
# and fails.
# NK_VM_SMP sets the guest's CPU count (default 2; --icount uses 1),
# NK_VM_MEM its memory in MiB (default 4096).
# In --interactive mode, Ctrl-a x quits qemu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
nk_kernel_vars

ICOUNT=0
INTERACTIVE=0
while [ $# -gt 0 ]; do
	case $1 in
	--icount) ICOUNT=1 ;;
	--interactive) INTERACTIVE=1 ;;
	--) shift; break ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || [ "$INTERACTIVE" = 1 ] || nk_die "vm: no command given"
[ -f "$NK_BZIMAGE" ] || nk_die "vm: no kernel at $NK_BZIMAGE (run: make kernel IMPL=$IMPL)"
"$NK_REPO/tools/nk/env.sh"

mkdir -p "$NK_CACHE/run"
run=${NK_RUN_DIR:-$(mktemp -d "$NK_CACHE/run/vm.XXXXXX")}
# The guest mounts tmpfs on /tmp and /run, so the checkout and the cache are
# bind-mounted at fixed paths for it: /nk/repo and /nk/cache. Its root is the
# build rootfs (x86_64) or, bound at /nk/arm64 there, the arm64 guest root
# with the Go sources the client tests read (qemu runs in the build rootfs).
groot=/
if [ "$NK_GROOT" != "$NK_ROOTFS" ]; then
	groot=/nk/$NK_ARCH
	nk_bind "$NK_GROOT" "$NK_ROOTFS$groot"
	nk_bind "$NK_ROOTFS/usr/share/gocode" "$NK_ROOTFS$groot/usr/share/gocode"
fi
nk_bind "$NK_REPO" "$NK_ROOTFS$groot/nk/repo"
nk_bind "$NK_CACHE" "$NK_ROOTFS$groot/nk/cache"
g() {
	case $1 in
	"$NK_CACHE"*) printf '%s' "/nk/cache${1#"$NK_CACHE"}" ;;
	"$NK_REPO"*) printf '%s' "/nk/repo${1#"$NK_REPO"}" ;;
	*) printf '%s' "$1" ;;
	esac
}
# NUL-separated: an argument may hold any character, newlines too.
for a in "$@"; do g "$a"; printf '\0'; done >"$run/cmd"
echo "$INTERACTIVE" >"$run/interactive"
grun=$(g "$run")
cat >"$run/env" <<EOF
NK_REPO=/nk/repo
NK_CACHE=/nk/cache
NK_KSRC=$(g "$NK_KSRC")
NK_KBUILD=$(g "$NK_KBUILD")
NK_RUN=$grun
IMPL=$IMPL
KDEBUG=$KDEBUG
NK_ICOUNT=$ICOUNT
NK_ARCH=$NK_ARCH
NK_ASUF=$NK_ASUF
NK_TOOLS=/nk/cache/nk-tools$NK_ASUF
EOF
# T, and the knobs of the guest scripts (NK_BENCH_*, NK_FUZZ_*, NK_STRESS_*)
for v in T NK_SUITE_TIMEOUT NK_CHECK_FAILFAST $(compgen -v | grep -E '^NK_(BENCH|FUZZ|STRESS)_'); do
	[ -n "${!v:-}" ] && printf '%s=%q\n' "$v" "${!v}" >>"$run/env"
done

# KVM on these hosts is a software PVM that cannot run stock kernels: probe it
# once per host kernel and qemu, with a short timeout, and fall back to TCG.
# Without a root fs a kernel that boots fine ends in "Unable to mount root fs".
probe_kvm() {
	local key f=$NK_CACHE/kvm-probe
	key="$(uname -r) $(nk_chroot qemu-system-x86_64 --version | head -1)"
	if [ -f "$f" ] && [ "$(head -1 "$f")" = "$key" ]; then
		tail -1 "$f"
		return
	fi
	local accel=tcg log=$NK_LOGS/kvm-probe.log
	if [ -w /dev/kvm ] && [ "${NK_NO_KVM:-0}" != 1 ]; then
		# To a file: grep -q on a pipe would end qemu by SIGPIPE at the
		# match, and pipefail would read that as a failed probe.
		timeout 60 chroot "$NK_ROOTFS" qemu-system-x86_64 -accel kvm -cpu host,-arch-capabilities \
			-m 1G -smp 1 -nographic -no-reboot -kernel "$NK_BZIMAGE" \
			-append "console=ttyS0 panic=-1" -nic none \
			</dev/null >"$log" 2>&1 || true
		! grep -q 'Unable to mount root fs' "$log" || accel=kvm
	fi
	printf '%s\n%s\n' "$key" "$accel" >"$f"
	echo "$accel"
}
case $NK_ARCH in
x86_64)
	QEMU=qemu-system-x86_64 MACHINE= CONSOLE=ttyS0 CPUMODEL=max
	ACCEL=$(probe_kvm)
	;;
arm64)
	# virt with GICv3 (its ITS gives virtio-pci MSI-X). cortex-a76: a fixed
	# model (icount figures do not move with qemu), without the pointer
	# authentication that -cpu max emulates slowly.
	QEMU=qemu-system-aarch64 MACHINE="-M virt,gic-version=3" CONSOLE=ttyAMA0
	CPUMODEL=${NK_VM_CPU:-cortex-a76}
	ACCEL=tcg
	;;
esac
if [ "$ACCEL" = kvm ]; then
	CPU="-accel kvm -cpu host,-arch-capabilities"
	nk_say "vm: KVM works here, using it"
else
	CPU="-accel tcg,thread=multi -cpu $CPUMODEL"
	[ "$NK_ARCH" != x86_64 ] || nk_say "vm: KVM unusable on this host (probe failed), using TCG"
fi
SMP=${NK_VM_SMP:-2}
[[ $SMP =~ ^[1-9][0-9]*$ ]] || nk_die "vm: NK_VM_SMP must be a CPU count"
MEM=${NK_VM_MEM:-4096}
[[ $MEM =~ ^[1-9][0-9]*$ ]] || nk_die "vm: NK_VM_MEM must be a size in MiB"
if [ "$ICOUNT" = 1 ]; then
	# Guest time follows the instruction count: repeatable per-packet costs.
	CPU="-accel tcg,thread=single -cpu $CPUMODEL -icount shift=0,sleep=off"
	ACCEL=tcg
	SMP=1
fi

# What this run used, for records such as the bench JSON.
printf '{"arch": "%s", "accel": "%s", "smp": %s, "icount": %s, "cpu": "%s"}\n' "$NK_ARCH" \
	"$ACCEL" "$SMP" "$([ "$ICOUNT" = 1 ] && echo true || echo false)" "$CPU" >"$run/vm.json"

APPEND="console=$CONSOLE root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose
rw init=/nk/repo/tools/nk/guest/init.sh nk.run=$grun panic=-1 oops=panic loglevel=4 quiet"
# KASAN under TCG with -cpu max (5-level paging) reports a wild access in
# an early IRQ (identify_cpu) before any driver runs; 4-level paging avoids it.
[ "$KDEBUG" != 1 ] || APPEND="$APPEND kmemleak=on"
[ "$KDEBUG" != 1 ] || [ "$NK_ARCH" != x86_64 ] || APPEND="$APPEND no5lvl"

log=$run/console.log
timeout=${NK_VM_TIMEOUT:-5400}
case $KDEBUG in 1 | lock | kcsan) timeout=${NK_VM_TIMEOUT:-21600} ;; esac
tmo=(timeout --foreground -k 30 "$timeout")
[ "$INTERACTIVE" = 1 ] && tmo=()
nk_say "vm: booting $IMPL$NK_KSUF kernel, console log $log"
# Terminal control sequences (SeaBIOS, getty) only reach a terminal.
nocolor() { sed -u -E 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/\x1b[()][0-9A-Za-z]//g; s/\r$//'; }
rc=0
# shellcheck disable=SC2086
"${tmo[@]}" chroot "$NK_ROOTFS" $QEMU $MACHINE $CPU -smp $SMP -m "$MEM" -nographic -no-reboot \
	-kernel "$NK_BZIMAGE" -append "$(echo $APPEND)" \
	-fsdev local,id=rootfs,path=$groot,security_model=passthrough,multidevs=remap \
	-device virtio-9p-pci,fsdev=rootfs,mount_tag=rootfs -nic none \
	${NK_QEMU_EXTRA:-} 2>&1 | tee "$log" | if [ -t 1 ]; then cat; else nocolor; fi ||
	rc=${PIPESTATUS[0]}
nocolor <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
if [ ! -f "$run/rc" ]; then
	why="qemu exit $rc"
	[ "$rc" = 124 ] && why="no result after ${timeout}s (NK_VM_TIMEOUT), qemu stopped"
	panic=$(grep -m1 -E 'Kernel panic - not syncing|BUG: soft lockup|blocked for more than' "$log" || true)
	[ -z "$panic" ] || why="$why; the kernel said: $panic"
	nk_die "vm: guest did not finish ($why): no result in $run; console log $log"
fi
rc=$(cat "$run/rc")
if [ -s "$run/dmesg-bad" ]; then
	nk_say "vm: dmesg shows problems (full dmesg: $run/dmesg):"
	cat "$run/dmesg-bad" >&2
	[ "$rc" = 0 ] && rc=1
fi
nk_say "vm: command exited $rc (run dir $run)"
exit "$rc"
