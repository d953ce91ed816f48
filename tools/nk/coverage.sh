#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make coverage: line and branch coverage of the C netkit (drivers/net/netkit.c)
# under every make check suite. Builds the IMPL=c kernel with gcov for
# netkit.o (KDEBUG=cov, its own build dir), runs make check on it, then
# llvm-cov gcov: an annotated listing and totals in $NK_CACHE/coverage/.
# 7.3 builds no Rust object with coverage instrumentation (kbuild passes no
# -Cinstrument-coverage and the kernel has no runtime for LLVM's profile
# format), so there is no Rust counterpart.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=c KDEBUG=cov nk_kernel_vars

out=$NK_CACHE/coverage
mkdir -p "$NK_CACHE/run"
run=$(mktemp -d "$NK_CACHE/run/coverage.XXXXXX")
rc=0
NK_CHECK_RUN_DIR=$run "$NK_REPO/tools/nk/check.sh" || rc=$?
[ -s "$run/netkit.gcda" ] ||
	nk_die "coverage: the VM left no netkit.gcda in $run (check exit $rc; console log $run/console.log)"

rm -rf "$out"
mkdir -p "$out"
cp "$run/netkit.gcda" "$NK_KBUILD/drivers/net/netkit.gcda"
nk_mounts
nk_chroot sh -c "cd '$out' && llvm-cov gcov -b -c -o '$NK_KBUILD/drivers/net' '$NK_KSRC/drivers/net/netkit.c'" \
	>"$out/summary.txt" 2>&1 || nk_die "coverage: llvm-cov gcov failed; see $out/summary.txt"
# Keep netkit.c's listing only (headers get one each).
find "$out" -name '*.gcov' ! -name 'netkit.c.gcov' -delete
grep -E '^ *#####:' "$out/netkit.c.gcov" >"$out/uncovered.txt" || true
nk_say "coverage: netkit.c, all suites (make check exit $rc):"
grep -A3 "^File '.*/drivers/net/netkit.c'" "$out/summary.txt" | sed 's/^/  /'
nk_say "coverage: annotated listing $out/netkit.c.gcov, unexecuted lines $out/uncovered.txt ($(wc -l <"$out/uncovered.txt"))"
exit "$rc"
