#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks that the compile-fail cases fail for the reason they name: builds
# the kernel crate's metadata with the holes reopened by TRANSFORM (a Python
# script run on a copy of rust/kernel), then runs the cases against it with
# NK_CF_KERNEL. Each case a hole covers must now compile (reported "not ok"
# by compile-fail.sh); the others must still fail as before.
#   tools/nk/cf-reopen.sh TRANSFORM.py
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars
transform=$(realpath "${1:?usage: $0 TRANSFORM.py}")
cmdfile=$NK_KBUILD/rust/.kernel.o.cmd
[ -f "$cmdfile" ] || nk_die "cf-reopen: no Rust kernel built in $NK_KBUILD (run: make kernel)"

copy=$NK_KSRC/rust/kernel.reopen
out=$NK_CACHE/run/reopen
nk_on_exit 'rm -rf "$copy"'
rm -rf "$copy" "$out"
mkdir -p "$out"
cp -a "$NK_KSRC/rust/kernel" "$copy"
python3 "$transform" "$copy"

saved=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
words=()
eval "words=(${saved%%;*})"
args=()
for w in "${words[@]}"; do
	case $w in
	--emit=*) ;;
	*/rust/kernel/lib.rs) args+=("$copy/lib.rs") ;;
	*) args+=("$w") ;;
	esac
done
nk_mounts
log=$NK_LOGS/cf-reopen.log
nk_run "cf-reopen: kernel crate metadata" "$log" \
	nk_chroot sh -c "cd $NK_KBUILD && RUSTC_BOOTSTRAP=1 $(printf '%q ' "${args[@]}") --emit=metadata=$out/libkernel.rmeta -Zalways-encode-mir --cap-lints=allow"
NK_CF_KERNEL=$out/libkernel.rmeta "$NK_REPO/tools/nk/compile-fail.sh"
