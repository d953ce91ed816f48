#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks the built Rust netkit's net_device_ops in vmlinux: the table is in
# .rodata, and its ndo_get_peer_dev is netkit_peer_dev, the function
# filter.c calls directly (INDIRECT_CALL_1) for bpf_redirect_peer. Prints
# what it found; exits non-zero if either does not hold.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars

vmlinux=$NK_KBUILD/vmlinux
[ -f "$vmlinux" ] || nk_die "ops-check: no $vmlinux (run: make kernel IMPL=rust)"

# The netkit crate's OPS static (v0-mangled: ...6netkit...3OPS).
syms=$(nm "$vmlinux")
ops=$(awk '$3 ~ /^_R.*6netkit.*3OPS$/ && $3 !~ /LINK_OPS/ {print $1}' <<<"$syms")
peer=$(awk '$3 == "netkit_peer_dev" {print $1}' <<<"$syms")
[ "$(wc -w <<<"$ops")" = 1 ] || nk_die "ops-check: not one netkit OPS symbol: '$ops'"
[ -n "$peer" ] || nk_die "ops-check: no netkit_peer_dev in $vmlinux"
read -r ro_start ro_size < <(readelf -SW "$vmlinux" |
	sed -n 's/^ *\[ *[0-9]*\] *//p' | awk '$1 == ".rodata" {print $3, $5}')
# Offset of the member, from the BTF of vmlinux (pahole is in the rootfs).
nk_mounts
off=$(nk_chroot pahole -C net_device_ops "$vmlinux" 2>/dev/null |
	sed -n 's|.*(\*ndo_get_peer_dev)(.*/\* *\([0-9]*\) *8 \*/|\1|p')
[ -n "$off" ] || nk_die "ops-check: no ndo_get_peer_dev in pahole's net_device_ops"

ok=1
o=$((16#$ops)) s=$((16#$ro_start))
if [ $o -ge $s ] && [ $o -lt $((s + 16#$ro_size)) ]; then
	echo "OPS at 0x$ops is in .rodata (0x$ro_start + 0x$ro_size)"
else
	echo "OPS at 0x$ops is not in .rodata (0x$ro_start + 0x$ro_size)"
	ok=0
fi
a=$(printf '%x' $((o + off)))
# The 8 bytes of the member, little-endian.
hex=$(objdump -s --start-address=0x"$a" --stop-address=0x"$(printf '%x' $((o + off + 8)))" \
	"$vmlinux" | awk -v a="$a" '$1 == a {print $2 $3}')
val=
for i in 14 12 10 8 6 4 2 0; do val=$val${hex:$i:2}; done
if [ "$val" = "$peer" ]; then
	echo "OPS.ndo_get_peer_dev (+$off) = 0x$val = netkit_peer_dev"
else
	echo "OPS.ndo_get_peer_dev (+$off) = 0x$val, netkit_peer_dev is 0x$peer"
	ok=0
fi
[ $ok = 1 ]
