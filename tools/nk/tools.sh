#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the netkit selftest helpers (nk_bpf, nk_progs.bpf.o) into
# $NK_CACHE/nk-tools with the rootfs toolchain and libbpf, and the helpers
# the upstream net selftests on dummy devices and the drivers/net/hw netkit
# selftests run (in their directory of the overlaid source, where the
# scripts look for them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# For the uapi headers below, the same in every kernel of this source: with
# IMPL=both (make bench), the C kernel's build dir.
[ "${IMPL:-c}" = rust ] || IMPL=c
nk_kernel_vars
mkdir -p "$NK_CACHE/nk-tools"
nk_run "tools: nk_bpf, nk_progs.bpf.o" "$NK_LOGS/nk-tools.log" \
	nk_chroot make -C "$NK_REPO/tools/testing/selftests/drivers/net/netkit" \
	OUTPUT="$NK_CACHE/nk-tools"
nk_run "tools: kcov-preload.so (make coverage IMPL=rust)" "$NK_LOGS/kcov-preload.log" \
	nk_chroot gcc -Wall -Wextra -O2 -shared -fPIC -o "$NK_CACHE/nk-tools/kcov-preload.so" \
	"$NK_REPO/tools/nk/guest/kcov-preload.c"
nk_run "tools: net selftest helpers (cmsg_sender, udpgso)" "$NK_LOGS/net-tools.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/net" cmsg_sender udpgso
nk_run "tools: net/lib helpers (xdp_dummy.bpf.o, ...)" "$NK_LOGS/net-lib-tools.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/net/lib"
# ncdevmem needs this tree's uapi headers (make headers, in the build dir:
# the source tree stays clean for O= builds). The Makefile's probe for
# liburing's zero-copy rx fails on Debian (dash's echo, -luring before the
# source with --as-needed): liburing 2.15 has it (env.sh).
nk_run "tools: uapi headers ($IMPL build dir)" "$NK_LOGS/headers.log" \
	nk_chroot make -C "$NK_KSRC" O="$NK_KBUILD" LLVM=1 headers
nk_run "tools: drivers/net/hw helpers (iou-zcrx, ncdevmem, nk_*.bpf.o)" "$NK_LOGS/hw-tools.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/drivers/net/hw" \
	KHDR_INCLUDES="-isystem $NK_KBUILD/usr/include" HAS_IOURING_ZCRX=y
