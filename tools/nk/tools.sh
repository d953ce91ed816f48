#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the netkit selftest helpers (nk_bpf, nk_progs.bpf.o) into
# $NK_CACHE/nk-tools[-arm64] with the rootfs toolchain and libbpf, and the helpers
# the upstream net selftests on dummy devices and the drivers/net/hw netkit
# selftests run (in their directory of the overlaid source, where the
# scripts look for them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# For the uapi headers below, the same in every kernel of this source: with
# IMPL=both (make bench), the C kernel's build dir.
[ "${IMPL:-c}" = rust ] || IMPL=c
nk_kernel_vars
T=$NK_CACHE/nk-tools$NK_ASUF
# ARCH=arm64: cross-built with gcc's aarch64 toolchain and the arm64
# multiarch libraries (env-arm64.sh); CC and AR on make's command line reach
# every sub-make (ynl's library sets CC=gcc itself).
CC=gcc
X=()
if [ "$NK_ARCH" = arm64 ]; then
	CC=aarch64-linux-gnu-gcc
	X=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC=$CC AR=aarch64-linux-gnu-ar)
fi
mkdir -p "$T"
nk_run "tools: nk_bpf, nk_progs.bpf.o" "$NK_LOGS/nk-tools$NK_ASUF.log" \
	nk_chroot make -C "$NK_REPO/tools/testing/selftests/drivers/net/netkit" \
	OUTPUT="$T" CC=$CC
nk_run "tools: kcov-preload.so (make coverage IMPL=rust)" "$NK_LOGS/kcov-preload$NK_ASUF.log" \
	nk_chroot $CC -Wall -Wextra -O2 -shared -fPIC -o "$T/kcov-preload.so" \
	"$NK_REPO/tools/nk/guest/kcov-preload.c"
nk_run "tools: net selftest helpers (cmsg_sender, udpgso)" "$NK_LOGS/net-tools$NK_ASUF.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/net" "${X[@]}" cmsg_sender udpgso
nk_run "tools: net/lib helpers (xdp_dummy.bpf.o, ...)" "$NK_LOGS/net-lib-tools$NK_ASUF.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/net/lib" "${X[@]}"
# ncdevmem needs this tree's uapi headers (make headers, in the build dir:
# the source tree stays clean for O= builds). The Makefile's probe for
# liburing's zero-copy rx fails on Debian (dash's echo, -luring before the
# source with --as-needed): liburing 2.15 has it (env.sh).
nk_run "tools: uapi headers ($IMPL build dir)" "$NK_LOGS/headers$NK_ASUF.log" \
	nk_chroot make -C "$NK_KSRC" O="$NK_KBUILD" ARCH="$NK_KARCH" LLVM=1 headers
nk_run "tools: drivers/net/hw helpers (iou-zcrx, ncdevmem, nk_*.bpf.o)" "$NK_LOGS/hw-tools$NK_ASUF.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/drivers/net/hw" "${X[@]}" \
	KHDR_INCLUDES="-isystem $NK_KBUILD/usr/include" HAS_IOURING_ZCRX=y
