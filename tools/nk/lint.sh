#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: rustfmt, checkpatch, the compile-fail cases and clippy over what
# the repo adds to the kernel. One KTAP line per check; alone, it ends with
# "N passed, N failed".
#   NK_KTAP=FILE  also append the lines to FILE, numbered after its last one
#                 (make check does this)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars

# The overlaid source and the Rust kernel the clippy build is seeded from.
"$NK_REPO/tools/nk/kernel.sh"

ktap=${NK_KTAP:-}
n=0
[ -n "$ktap" ] && [ -f "$ktap" ] && n=$(grep -cE '^(not )?ok ' "$ktap" || true)
pass=0 fail=0

# result OK|FAIL NAME LOG
result() {
	local line
	n=$((n + 1))
	if [ "$1" = OK ]; then
		line="ok $n $2"
		pass=$((pass + 1))
	else
		line="not ok $n $2 # see $3"
		fail=$((fail + 1))
		sed 's/^/# /' "$3" | tail -n 40
	fi
	echo "$line"
	[ -z "$ktap" ] || echo "$line" >>"$ktap"
}

# Kernel-tree files of the repo, as paths in the overlaid source.
files() {
	(cd "$NK_REPO" && git ls-files -co --exclude-standard -- "$@")
}

# rustfmt with the kernel's .rustfmt.toml: the overlaid copies, and the
# compile-fail cases (not in the kernel tree) from the repo.
log=$NK_LOGS/lint-rustfmt.log
nk_say "lint: rustfmt --check"
rs=$(files '*.rs' ':!tools/nk' | tr '\n' ' ')
for f in $(files 'tools/nk/compile-fail/*.rs'); do rs="$rs $NK_REPO/$f"; done
fmt="rustfmt --check --edition=2021 --config-path .rustfmt.toml"
if nk_chroot sh -c "cd $NK_KSRC && $fmt $rs" >"$log" 2>&1; then
	result OK lint.rustfmt "$log"
else
	result FAIL lint.rustfmt "$log"
fi

# checkpatch: --strict on kernel code; the patches as patches. The BPF
# program keeps `volatile const` (libbpf's rodata idiom).
log=$NK_LOGS/lint-checkpatch.log
nk_say "lint: checkpatch.pl"
: >"$log"
cp_ok=1
checkpatch() {
	local out
	if ! out=$(nk_chroot perl "$NK_KSRC/scripts/checkpatch.pl" --no-tree -q "$@" 2>&1) ||
		[ -n "$out" ]; then
		printf '%s\n' "$out" >>"$log"
		cp_ok=0
	fi
}
for f in $(files drivers rust include net scripts Documentation tools/testing); do
	case $f in
	*/config) continue ;;
	*.bpf.c) checkpatch --strict --ignore VOLATILE -f "$NK_REPO/$f" ;;
	*) checkpatch --strict -f "$NK_REPO/$f" ;;
	esac
done
# The source package is no git tree: checkpatch cannot look up the commit a
# Fixes: tag names.
for p in "$NK_REPO"/patches/*.patch; do
	checkpatch --strict --no-signoff --ignore UNKNOWN_COMMIT_ID "$p"
done
if [ $cp_ok = 1 ]; then
	result OK lint.checkpatch "$log"
else
	result FAIL lint.checkpatch "$log"
fi

# compile-fail: misuse of kernel::net that must not compile, one line per
# case (tools/nk/compile-fail.sh; its progress and errors in $log).
log=$NK_LOGS/lint-compile-fail.log
res=$NK_LOGS/lint-compile-fail.results
rm -f "$res"
nk_say "lint: compile-fail cases (log: $log)"
"$NK_REPO/tools/nk/compile-fail.sh" --results "$res" 2>&1 | tee "$log" >&2 || true
if [ -s "$res" ]; then
	while read -r r name clog; do
		result "$r" "$name" "$clog"
	done <"$res"
else
	result FAIL lint.compile_fail "$log"
fi

# The Rust netkit's net_device_ops: read-only, with netkit_peer_dev as
# ndo_get_peer_dev (filter.c's direct call for bpf_redirect_peer).
log=$NK_LOGS/lint-netkit-ops.log
nk_say "lint: netkit ops table in vmlinux (log: $log)"
if "$NK_REPO/tools/nk/ops-check.sh" >"$log" 2>&1; then
	result OK lint.netkit_ops "$log"
else
	result FAIL lint.netkit_ops "$log"
fi

# rustdoc of the kernel crate (rust/kernel/net among it): no warnings.
log=$NK_LOGS/lint-rustdoc.log
nk_say "lint: make rustdoc (log: $log)"
if nk_chroot make -C "$NK_KSRC" O="$NK_KBUILD" LLVM=1 -j"$(nproc)" rustdoc >"$log" 2>&1 &&
	! grep -qE '^(warning|error)(\[|:)' "$log"; then
	result OK lint.rustdoc "$log"
else
	result FAIL lint.rustdoc "$log"
fi

# The kernel crate as BPF_SYSCALL=n and RUST_NETDEV_ABSTRACTIONS=n kernels
# would build it (type check with their cfg).
for v in nobpf nonet; do
	log=$NK_LOGS/lint-cfg-$v.log
	nk_say "lint: kernel crate, $v configuration (log: $log)"
	if "$NK_REPO/tools/nk/cfg-check.sh" $v >"$log" 2>&1; then
		result OK "lint.kernel_crate_$v" "$log"
	else
		result FAIL "lint.kernel_crate_$v" "$log"
	fi
done

# clippy: every Rust object of the kernel built with CLIPPY=1 (warnings are
# errors), in its own directory seeded from the Rust build so that switching
# does not rebuild the normal tree. A new .config reseeds it: only the Rust
# objects are then rebuilt, not the whole tree.
CLIPPY_BUILD=$NK_CACHE/build/rust-clippy
log=$NK_LOGS/lint-clippy.log
if ! cmp -s "$NK_KBUILD/.config" "$CLIPPY_BUILD/.config"; then
	nk_say "lint: seeding $CLIPPY_BUILD from $NK_KBUILD"
	rm -rf "$CLIPPY_BUILD.tmp" "$CLIPPY_BUILD"
	cp -a "$NK_KBUILD" "$CLIPPY_BUILD.tmp" && mv "$CLIPPY_BUILD.tmp" "$CLIPPY_BUILD"
fi
t0=$(date +%s)
nk_say "lint: make CLIPPY=1 bzImage (log: $log)"
if nk_chroot make -C "$NK_KSRC" O="$CLIPPY_BUILD" LLVM=1 CLIPPY=1 -j"$(nproc)" bzImage \
	>"$log" 2>&1 && ! grep -qE '^(warning|error)(\[|:)' "$log"; then
	result OK lint.clippy "$log"
else
	result FAIL lint.clippy "$log"
fi
nk_say "lint: clippy build done in $(($(date +%s) - t0))s"

if [ -z "$ktap" ]; then
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
