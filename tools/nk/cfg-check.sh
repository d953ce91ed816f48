#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Type-checks the kernel crate as other configurations would build it, with
# kbuild's own rustc command for rust/kernel.o in the built Rust kernel and
# its rustc_cfg minus some symbols (warnings are errors, as in the build):
#   nobpf    BPF_SYSCALL=n (and NETKIT, which needs it)
#   nonet    RUST_NETDEV_ABSTRACTIONS=n as well
# The bindings stay those of the built configuration: this catches Rust code
# that assumes a symbol, not C declarations that go away.
#   cfg-check.sh VARIANT   exit status is rustc's; its output on stdout
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars

case ${1:-} in
nobpf) drop='BPF_SYSCALL|NETKIT|NETKIT_RUST' ;;
nonet) drop='BPF_SYSCALL|NETKIT|NETKIT_RUST|RUST_NETDEV_ABSTRACTIONS' ;;
*) nk_die "usage: $0 nobpf|nonet" ;;
esac
cmdfile=$NK_KBUILD/rust/.kernel.o.cmd
[ -f "$cmdfile" ] || nk_die "cfg-check: no Rust kernel built in $NK_KBUILD"

mkdir -p "$NK_CACHE/run"
tmp=$(mktemp -d "$NK_CACHE/run/cfg-check.XXXXXX")
nk_on_exit 'rm -rf "$tmp"'

grep -vE "^--cfg=CONFIG_($drop)(=|\$)" "$NK_KBUILD/include/generated/rustc_cfg" >"$tmp/rustc_cfg"
# kbuild's command up to its first ';' (then llvm-link and clang), with
# metadata as the only output and the reduced cfg.
saved=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
words=()
eval "words=(${saved%%;*})"
envs=(RUSTC_BOOTSTRAP=1)
args=()
for w in "${words[@]}"; do
	if [ ${#args[@]} = 0 ] && [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
		envs+=("$w")
		continue
	fi
	case $w in
	--emit=*) ;;
	@./include/generated/rustc_cfg) args+=("@$tmp/rustc_cfg") ;;
	*) args+=("$w") ;;
	esac
done
args+=("--emit=metadata=$tmp/libkernel.rmeta")
nk_mounts
# shellcheck disable=SC2016 # for the inner sh
nk_chroot sh -c 'cd "$1" && shift && exec env "$@"' sh "$NK_KBUILD" "${envs[@]}" "${args[@]}"
