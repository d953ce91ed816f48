#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the netkit selftest helpers (nk_bpf, nk_progs.bpf.o) into
# $NK_CACHE/nk-tools with the rootfs toolchain and libbpf, and the helpers
# the upstream net selftests on dummy devices run (in their directory of
# the overlaid source, where the scripts look for them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$NK_CACHE/nk-tools"
nk_run "tools: nk_bpf, nk_progs.bpf.o" "$NK_LOGS/nk-tools.log" \
	nk_chroot make -C "$NK_REPO/tools/testing/selftests/drivers/net/netkit" \
	OUTPUT="$NK_CACHE/nk-tools"
nk_run "tools: net selftest helpers (cmsg_sender, udpgso)" "$NK_LOGS/net-tools.log" \
	nk_chroot make -C "$NK_KSRC/tools/testing/selftests/net" cmsg_sender udpgso
