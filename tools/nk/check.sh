#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build what is missing, run every suite in the VM, print one
# KTAP line per case and end with "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
nk_kernel_vars

"$NK_REPO/tools/nk/kernel.sh"
"$NK_REPO/tools/nk/bpf-selftests.sh"
"$NK_REPO/tools/nk/tools.sh"
"$NK_REPO/tools/nk/go-tests.sh"

mkdir -p "$NK_CACHE/run"
NK_RUN_DIR=${NK_CHECK_RUN_DIR:-$(mktemp -d "$NK_CACHE/run/check.XXXXXX")}
export NK_RUN_DIR
nk_say "check: ARCH=$NK_ARCH IMPL=$IMPL KDEBUG=$KDEBUG${T:+ T=$T}"
rc=0
"$NK_REPO/tools/nk/vm.sh" -- "$NK_REPO/tools/nk/guest/check.sh" || rc=$?

ktap=$NK_RUN_DIR/ktap
[ -f "$ktap" ] || : >"$ktap"
# fuzz.diff: the Rust kernel's fuzz.short transcript must equal the C
# kernel's for the same fuzz.py, kept in the cache by `make check IMPL=c`
# (CI runs that first).
fz=$NK_RUN_DIR/fuzz-short.txt
if [ -f "$fz" ] && grep -q '^# end$' "$fz"; then
	key=$(cat "$NK_REPO/tools/nk/guest/fuzz.py" "$NK_REPO/tools/nk/guest/check.sh" | sha256sum | cut -c1-16)
	ref=$NK_CACHE/run/fuzz-short-c$NK_ASUF-$key.txt
	n=$(grep -cE '^(not )?ok ' "$ktap" || true)
	if [ "$IMPL" = c ]; then
		# the reference only from a run that passed
		grep -qE '^ok [0-9]+ fuzz\.short$' "$ktap" && cp "$fz" "$ref"
	elif [ ! -f "$ref" ]; then
		echo "ok $((n + 1)) fuzz.diff # SKIP no C transcript of this fuzz.py (make check IMPL=c first)" |
			tee -a "$ktap"
	elif diff -u "$ref" "$fz" >"$NK_RUN_DIR/fuzz-short.diff"; then
		echo "ok $((n + 1)) fuzz.diff" | tee -a "$ktap"
	else
		grep -m 12 -E '^[-+][^-+]' "$NK_RUN_DIR/fuzz-short.diff" | sed 's/^/# /'
		echo "not ok $((n + 1)) fuzz.diff # C and Rust transcripts differ: $NK_RUN_DIR/fuzz-short.diff" |
			tee -a "$ktap"
	fi
fi
# rustfmt, checkpatch, compile-fail, the ops table and clippy: with the
# Rust kernel (the code is the same for both) on x86_64 (the source is the
# same for every arch), after the VM so that test results come first. A T=
# filter runs them if it matches any lint name.
lints=(lint.rustfmt lint.checkpatch lint.compile_fail lint.netkit_ops lint.rustdoc
	lint.kernel_crate lint.clippy)
if [ "$IMPL" = rust ] && [ "$KDEBUG" = 0 ] && [ "$NK_ARCH" = x86_64 ] &&
	{ [ -z "${T:-}" ] || printf '%s\n' "${lints[@]}" | grep -qE -- "$T"; }; then
	lrc=0
	NK_KTAP=$ktap "$NK_REPO/tools/nk/lint.sh" || lrc=$?
	# lint.sh exits 0 or 1 after reporting every lint; anything else, or a
	# selected lint without a result, means it stopped early.
	missing=
	for l in "${lints[@]}"; do
		[ -z "${T:-}" ] || printf '%s\n' "$l" | grep -qE -- "$T" || continue
		grep -qE "^(not )?ok [0-9]+ $l" "$ktap" || missing="$missing $l"
	done
	if [ "$lrc" -gt 1 ] || [ -n "$missing" ]; then
		n=$(grep -cE '^(not )?ok ' "$ktap" || true)
		echo "not ok $((n + 1)) lint.run # lint.sh exit $lrc, no result for:${missing:- -}" |
			tee -a "$ktap"
	fi
fi
# A T= that selects no case (the VM's own checks aside) is an error.
if [ -n "${T:-}" ] && ! grep -qvE '^(not )?ok [0-9]+ vm\.' "$ktap"; then
	n=$(grep -cE '^(not )?ok ' "$ktap" || true)
	echo "not ok $((n + 1)) check.selected # T='$T' selects no case" | tee -a "$ktap"
fi
pass=$(grep -cE '^ok [0-9]+ [^ ]+$' "$ktap" || true)
skip=$(grep -cE '^ok [0-9]+ [^ ]+ # SKIP' "$ktap" || true)
fail=$(grep -cE '^not ok' "$ktap" || true)
if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
	# The VM died or the guest runner failed before reporting a failure.
	echo "not ok $((pass + skip + 1)) vm.run # exit $rc, see $NK_RUN_DIR/console.log"
	fail=1
fi
nk_say "check: results in $ktap"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
