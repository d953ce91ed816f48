#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the BPF selftests' test_progs with only what `-t tc_netkit` needs,
# against the IMPL/KDEBUG kernel's BTF, into $NK_CACHE/bpf[-arm64]/<impl>.
#
# The whole suite (~1000 BPF objects) takes > 20 min on 2 cores and clang 19
# crashes on one of its programs, so the build runs in a copy of
# selftests/bpf (same depth, so its relative paths hold) that keeps only
# prog_tests/tc_netkit.c and progs/test_tc_link.c. The test sources
# themselves are used unchanged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
nk_kernel_vars

OUT=$NK_CACHE/bpf$NK_ASUF/$IMPL$NK_KSUF
# ARCH=arm64: cross-built; SKIP_LLVM: the x86 libLLVM (JIT disassembly, which
# tc_netkit does not use) cannot be linked into an arm64 program.
X=()
[ "$NK_ARCH" != arm64 ] || X=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- SKIP_LLVM=1)
SEL=$NK_KSRC/tools/testing/selftests
TRIM=$SEL/bpf-nk

[ -f "$NK_KBUILD/vmlinux" ] || nk_die "bpf: no $NK_KBUILD/vmlinux (build the kernel first)"
mkdir -p "$OUT"
# A kernel relink with the same BTF must not regenerate vmlinux.h.
if ! cmp -s "$NK_KBUILD/vmlinux" "$OUT/vmlinux"; then
	cp "$NK_KBUILD/vmlinux" "$OUT/vmlinux"
fi

nk_chroot rsync -a --delete --checksum \
	--exclude '/prog_tests/*.c' --exclude '/progs/*.c' "$SEL/bpf/" "$TRIM/"
nk_chroot rsync -a --checksum "$SEL/bpf/prog_tests/tc_netkit.c" "$TRIM/prog_tests/"
nk_chroot rsync -a --checksum "$SEL/bpf/progs/test_tc_link.c" "$TRIM/progs/"

nk_run "bpf: test_progs (tc_netkit) for $IMPL$NK_KSUF$NK_ASUF" "$NK_LOGS/bpf-$IMPL$NK_KSUF$NK_ASUF.log" \
	nk_chroot make -C "$TRIM" -j"$(nproc)" "${X[@]}" OUTPUT="$OUT" VMLINUX_BTF="$OUT/vmlinux" \
	LINKED_SKELS= LSKELS= LSKELS_EXTRA= LSKELS_SIGNED= TEST_KMODS= TRUNNER_EXTRA_FILES= \
	LIBARENA_SKEL= LIBARENA_ASAN_SKEL= "$OUT/test_progs"
