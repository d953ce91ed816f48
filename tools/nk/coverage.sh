#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make coverage [IMPL=c|rust|both]: coverage of the netkit driver under every
# make check suite, on the KDEBUG=cov kernel of each IMPL (its own build dir,
# seeded from the plain one). IMPL defaults to c.
#   c     gcov for drivers/net/netkit.o, then llvm-cov gcov: an annotated
#         listing and line and branch totals in $NK_CACHE/coverage/, and each
#         unexecuted line with its reason (tools/nk/coverage-unreached.txt);
#         fails if one has none, or a reason matches no line.
#   rust  KCOV for drivers/net/netkit/netkit.o (7.3 builds Rust objects with
#         KCOV, not with gcov or LLVM's profile runtime). Every process the
#         suites start records the PCs it runs (tools/nk/guest/
#         kcov-preload.c); tools/nk/kcov-report.py maps them to netkit.rs
#         lines and basic blocks in $NK_CACHE/coverage/rust/, and each line
#         not run to its reason (tools/nk/coverage-unreached-rust.txt);
#         fails as for c. KCOV sees what system calls run, not softirqs or
#         kernel threads (e.g. pktgen's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# kcov-report.py reads x86-64 machine code.
[ "$NK_ARCH" = x86_64 ] || nk_die "coverage: x86_64 only, not ARCH=$NK_ARCH"

out=$NK_CACHE/coverage
mkdir -p "$NK_CACHE/run" "$out"
rc=0

cov_c() {
	local run rc=0 arc=0
	run=$(mktemp -d "$NK_CACHE/run/coverage.XXXXXX")
	NK_CHECK_RUN_DIR=$run "$NK_REPO/tools/nk/check.sh" || rc=$?
	[ -s "$run/netkit.gcda" ] ||
		nk_die "coverage: the VM left no netkit.gcda in $run (check exit $rc; console log $run/console.log)"
	find "$out" -maxdepth 1 -type f -delete
	cp "$run/netkit.gcda" "$NK_KBUILD/drivers/net/netkit.gcda"
	nk_mounts
	nk_chroot sh -c "cd '$out' && llvm-cov gcov -b -c -o '$NK_KBUILD/drivers/net' '$NK_KSRC/drivers/net/netkit.c'" \
		>"$out/summary.txt" 2>&1 || nk_die "coverage: llvm-cov gcov failed; see $out/summary.txt"
	# Keep netkit.c's listing only (headers get one each).
	find "$out" -maxdepth 1 -name '*.gcov' ! -name 'netkit.c.gcov' -delete
	python3 "$NK_REPO/tools/nk/coverage-account.py" "$out/netkit.c.gcov" \
		"$NK_REPO/tools/nk/coverage-unreached.txt" >"$out/uncovered.txt" || arc=$?
	nk_say "coverage: netkit.c, all suites (make check exit $rc):"
	grep -A3 "^File '.*/drivers/net/netkit.c'" "$out/summary.txt" | sed 's/^/  /'
	nk_say "coverage: annotated listing $out/netkit.c.gcov; unexecuted lines and why: $out/uncovered.txt"
	tail -n 1 "$out/uncovered.txt" | sed 's/^/  /'
	if [ "$arc" != 0 ]; then
		grep -B1 -e '-> UNACCOUNTED' "$out/uncovered.txt" |
			grep -v -e '^--$' -e '-> UNACCOUNTED' | sed 's/^/  no reason: /'
		grep 'matches no unexecuted line' "$out/uncovered.txt" | sed 's/^/  stale: /'
		nk_say "coverage: every unexecuted line needs a test or a reason in tools/nk/coverage-unreached.txt"
		[ "$rc" != 0 ] || rc=1
	fi
	return "$rc"
}

cov_rust() {
	local run rc=0 arc=0 o=$out/rust
	run=$(mktemp -d "$NK_CACHE/run/coverage.XXXXXX")
	NK_CHECK_RUN_DIR=$run "$NK_REPO/tools/nk/check.sh" || rc=$?
	[ -f "$run/kcov-pcs.txt" ] ||
		nk_die "coverage: the VM left no kcov-pcs.txt in $run (check exit $rc; console log $run/console.log)"
	rm -rf "$o"
	mkdir -p "$o"
	cp "$run/kcov-pcs.txt" "$o/pcs.txt"
	nk_mounts
	python3 "$NK_REPO/tools/nk/kcov-report.py" "$NK_KBUILD/vmlinux" "$o/pcs.txt" \
		"chroot '$NK_ROOTFS' llvm-symbolizer --obj='$NK_KBUILD/vmlinux'" \
		"$NK_KSRC/drivers/net/netkit/netkit.rs" "$o" \
		"$NK_REPO/tools/nk/coverage-unreached-rust.txt" >/dev/null || arc=$?
	nk_say "coverage: netkit.rs, all suites (make check exit $rc):"
	sed -n '1,3p' "$o/summary.txt" | sed 's/^/  /'
	nk_say "coverage: annotated listing $o/netkit.rs.cov, per function $o/functions.txt; blocks not run: $o/blocks.txt; lines not run and why: $o/uncovered.txt"
	tail -n 1 "$o/uncovered.txt" | sed 's/^/  /'
	if [ "$arc" != 0 ]; then
		grep -A2 unexplained "$o/summary.txt" | sed 's/^/  /'
		grep -B1 -e '-> UNACCOUNTED' "$o/uncovered.txt" |
			grep -v -e '^--$' -e '-> UNACCOUNTED' | sed 's/^/  no reason: /'
		grep 'matches no line' "$o/uncovered.txt" | sed 's/^/  stale: /'
		nk_say "coverage: every line not run needs a test or a reason in tools/nk/coverage-unreached-rust.txt"
		[ "$rc" != 0 ] || rc=1
	fi
	return "$rc"
}

for i in $(nk_impls c); do
	IMPL=$i KDEBUG=cov
	nk_kernel_vars
	"cov_$i" || rc=1
done
exit "$rc"
