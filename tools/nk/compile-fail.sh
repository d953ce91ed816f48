#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile-fail cases of the kernel::net abstractions (tools/nk/compile-fail/):
# each NN-name.rs must fail to compile with the error code its "// expect:"
# line names ("none" for an error without a code, such as a lifetime one)
# and text containing each "// expect-msg:"; "// expect: ok" marks a
# positive control that must compile, else every case fails. A case is
# compiled as a crate like netkit.rs, with the rustc command kbuild used for
# netkit.o in the built Rust kernel, type and borrow checking only
# (--emit=metadata, lints capped to allow); "// expect-emit: obj" also
# generates code, for errors found only then (constants of generic code). It does not build the kernel
# (make lint does first). Alone: one KTAP line per case, "N passed, N failed".
#   --results FILE  write "OK|FAIL NAME LOG" per case to FILE, print no KTAP
#   NK_CF_CASES=D   run the cases in directory D instead
#   NK_CF_KERNEL=F  use the kernel crate metadata F (libkernel.rmeta of a
#                   modified crate: a case must then compile if the
#                   modification reopens the hole it covers)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars

CASES=${NK_CF_CASES:-$NK_REPO/tools/nk/compile-fail}
results=
case "${1:-}" in
--results) results=${2:?--results needs a file} ;;
"") ;;
*) nk_die "usage: $0 [--results FILE]" ;;
esac

cmdfile=$NK_KBUILD/drivers/net/netkit/.netkit.o.cmd
[ -x "$NK_ROOTFS/usr/bin/rustc" ] || nk_die "compile-fail: no rootfs (run: make env)"
if [ ! -f "$cmdfile" ] || [ ! -f "$NK_KBUILD/rust/libkernel.rmeta" ]; then
	nk_die "compile-fail: no Rust kernel built in $NK_KBUILD (run: make kernel IMPL=rust)"
fi
# The cases see the kernel crate as last built: say so if the repo's rust/
# differs from the overlaid source or that was edited after the build.
stale=
for f in $(cd "$NK_REPO" && git ls-files -co --exclude-standard -- 'rust/*.rs'); do
	if ! cmp -s "$NK_REPO/$f" "$NK_KSRC/$f" ||
		[ "$NK_KSRC/$f" -nt "$NK_KBUILD/rust/libkernel.rmeta" ]; then
		stale="$stale $f"
	fi
done
[ -z "$stale" ] || nk_say "compile-fail: WARNING: the built kernel crate is older than$stale" \
	"(make kernel IMPL=rust rebuilds it)"

# The chroot's mounts are undone when the command ends (lib.sh).
nk_mounts
mkdir -p "$NK_CACHE/run"
tmp=$(mktemp -d "$NK_CACHE/run/compile-fail.XXXXXX")
nk_on_exit 'rm -rf "$tmp"'

# kbuild's command: "VAR=val... rustc ARGS... .../netkit.rs", and with
# CONFIG_RUST_INLINE_HELPERS "; llvm-link ...; clang ..." after it. Its
# outputs are replaced by a metadata file in $tmp, its input by the case.
saved=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
words=()
eval "words=(${saved%%;*})"
envs=(RUSTC_BOOTSTRAP=1)
args=()
src=
skip=0
for w in "${words[@]}"; do
	if [ "$skip" = 1 ]; then
		skip=0
		continue
	fi
	if [ ${#args[@]} = 0 ] && [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
		envs+=("$w")
		continue
	fi
	case $w in
	--out-dir | --emit | -o | --crate-name) skip=1 ;;
	--out-dir=* | --emit=* | --crate-name=*) ;;
	*/netkit.rs) src=$w ;;
	kernel) args+=("kernel${NK_CF_KERNEL:+=$NK_CF_KERNEL}") ;;
	*) args+=("$w") ;;
	esac
done
if [ -z "$src" ] || [[ ${args[0]:-} != *rustc ]]; then
	nk_die "compile-fail: cannot read a rustc command for netkit.rs in $cmdfile"
fi
args+=(--out-dir "$tmp/out" --crate-name nk_compile_fail --cap-lints=allow)

# compile CASE OUT EMIT: the case through kbuild's rustc, run from the build
# dir, emitting EMIT; the compiler's output in OUT, the command line for the
# log in OUT.cmd.
compile() {
	rm -rf "$tmp/out"
	printf 'cd %q &&' "$NK_KBUILD" >"$2.cmd"
	printf ' %q' "${envs[@]}" "${args[@]}" "--emit=$3" "$1" >>"$2.cmd"
	echo >>"$2.cmd"
	# shellcheck disable=SC2016 # for the inner sh
	nk_chroot sh -c 'cd "$1" && shift && exec env "$@"' sh "$NK_KBUILD" \
		"${envs[@]}" "${args[@]}" "--emit=$3" "$1" >"$2" 2>&1
}

# error_codes OUT: the distinct error codes in OUT, "none" for an error
# without one (a syntax error, say).
error_codes() {
	awk '/^error(\[E[0-9]+\])?: / && !/^error: aborting due to/ {
		c = match($0, /^error\[E[0-9]+\]/) ? substr($0, 7, RLENGTH - 7) : "none"
		if (!(c in seen)) { seen[c] = 1; out = out (out == "" ? "" : " ") c }
	} END { print out }' "$1"
}

n=0 pass=0 fail=0
lines=()
# result OK|FAIL NAME LOG (as in lint.sh)
result() {
	n=$((n + 1))
	if [ -n "$results" ]; then
		lines+=("$1 $2 $3")
	elif [ "$1" = OK ]; then
		echo "ok $n $2"
	else
		sed 's/^/# /' "$3" | tail -n 40
		echo "not ok $n $2 # see $3"
	fi
	if [ "$1" = OK ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# check FILE: compile one case; say why it failed in $why, or leave it empty.
check() {
	local f=$1 out=$tmp/out.txt expect emit codes rc=0 msg
	local -a msgs
	why=
	expect=$(sed -n 's|^// expect: *||p' "$f")
	emit=$(sed -n 's|^// expect-emit: *||p' "$f")
	mapfile -t msgs < <(sed -n 's|^// expect-msg: *||p' "$f")
	if [ "$(head -n 1 "$f")" != "// SPDX-License-Identifier: GPL-2.0" ] ||
		! grep -q '^//!' "$f" || ! [[ $expect =~ ^(ok|none|E[0-9]{4})$ ]] ||
		! [[ $emit =~ ^(|obj)$ ]]; then
		: >"$out"
		: >"$out.cmd"
		why="bad header: needs the SPDX line, a //! doc comment, one"
		why="$why '// expect: ok|none|Ennnn' line and at most '// expect-emit: obj'"
		return
	fi
	compile "$f" "$out" "${emit:-metadata}" || rc=$?
	codes=$(error_codes "$out")
	if [ "$expect" = ok ]; then
		[ "$rc" = 0 ] && [ -z "$codes" ] ||
			why="expected to compile, failed (rustc exit $rc, errors: ${codes:-none})"
	elif [ "$rc" = 0 ]; then
		why="compiled, but must fail with $expect"
	elif [ "$rc" != 1 ] || [ "$codes" != "$expect" ]; then
		why="must fail with $expect only, failed with: ${codes:-nothing} (rustc exit $rc)"
	else
		for msg in "${msgs[@]}"; do
			grep -qF -- "$msg" "$out" || why="${why}no '$msg' in the errors; "
		done
	fi
}

# The positive controls ("expect: ok") first: without one that compiles,
# no case proves anything.
mapfile -t files < <(cd "$CASES" && ls -- *.rs)
mapfile -t controls < <(cd "$CASES" && { grep -lx '// expect: ok' -- *.rs || true; })
control_ok=0
control_log=
declare -A seen=()
for f in "${controls[@]}" "${files[@]}"; do
	name=${f%.rs}
	name=lint.compile_fail.${name#[0-9][0-9]-}
	[ -z "${seen[$name]:-}" ] || continue
	seen[$name]=1
	log=$NK_LOGS/compile-fail-${f%.rs}.log
	t0=$EPOCHREALTIME
	why=
	[[ $f =~ ^[0-9]{2}-[a-z0-9-]+\.rs$ ]] || why="file name is not NN-short-name.rs"
	[ -n "$why" ] || check "$CASES/$f"
	is_control=0
	grep -qx '// expect: ok' "$CASES/$f" && is_control=1
	if [ -z "$why" ] && [ $is_control = 1 ]; then
		control_ok=1
	elif [ -z "$why" ] && [ $control_ok = 0 ]; then
		why="the control case did not compile (${control_log:-there is none}): the"
		why="$why harness cannot tell a designed error from a broken command line"
	fi
	[ $is_control = 1 ] && [ -z "$control_log" ] && control_log=$log
	{
		echo "case: $CASES/$f"
		echo "expect: $(sed -n 's|^// expect: *||p' "$CASES/$f")"
		sed -n 's|^// expect-msg: *|expect-msg: |p' "$CASES/$f"
		echo "command (in the chroot):"
		cat "$tmp/out.txt.cmd" 2>/dev/null || true
		echo "rustc output:"
		cat "$tmp/out.txt" 2>/dev/null || true
		echo "result: ${why:-as expected}"
	} >"$log"
	rm -f "$tmp/out.txt" "$tmp/out.txt.cmd"
	ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	nk_say "compile-fail: $f: ${why:-as expected} (${ms} ms)"
	if [ -z "$why" ]; then
		result OK "$name" "$log"
	else
		result FAIL "$name" "$log"
	fi
done

if [ -n "$results" ]; then
	printf '%s\n' "${lines[@]}" >"$results"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ] || exit 1
