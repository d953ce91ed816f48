#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build environment and VM userspace: a Debian 13 rootfs made with debootstrap,
# with the toolchain, the test tools and the linux-source-7.3 package. Cached
# in $NK_CACHE and only redone when this script or its package list changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MIRROR=${NK_MIRROR:-http://deb.debian.org/debian}

# Kernel build (LLVM=1, Rust), BPF selftests, VM userspace, qemu.
PACKAGES="
	build-essential flex bison bc cpio kmod xz-utils libelf-dev libssl-dev dwarves
	python3 rustc rust-src rustfmt rust-clippy bindgen clang lld llvm libclang-dev
	libcap-dev zlib1g-dev libzstd-dev pkg-config libmnl-dev libbpf-dev rsync
	iproute2 bpftool ethtool iputils-ping iperf3 netperf procps udev jq nftables
	python3-yaml python3-jsonschema socat
	qemu-system-x86
	golang-github-jsimonetti-rtnetlink-dev golang-github-vishvananda-netns-dev
	linux-source-$NK_KVER
"
# Go client suites: Go 1.27 and vishvananda/netlink 1.3.1 (netkit) are only
# in trixie-backports.
BACKPORTS="golang-go golang-github-vishvananda-netlink-dev"
# io_uring zero-copy rx (io_uring_register_ifq, for the hw selftests'
# iou-zcrx) is in liburing 2.10 and later: only sid has it.
SID="liburing-dev/sid liburing2/sid"

stamp=$NK_ROOTFS/.nk-env-stamp
want=$(cat "$0" | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$NK_PRISTINE/Makefile" ]; then
	nk_mounts
	[ "$NK_ARCH" = x86_64 ] || "$NK_REPO/tools/nk/env-$NK_ARCH.sh"
	exit 0
fi

if [ ! -x "$NK_ROOTFS/usr/bin/apt-get" ]; then
	if ! command -v debootstrap >/dev/null; then
		nk_run "env: host apt-get install debootstrap" "$NK_LOGS/env-host.log" \
			sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap'
	fi
	nk_umounts
	rm -rf --one-file-system "$NK_ROOTFS"
	nk_run "env: debootstrap trixie" "$NK_LOGS/env-debootstrap.log" \
		debootstrap --variant=minbase --include=ca-certificates trixie "$NK_ROOTFS" "$MIRROR"
fi

nk_apt_setup "$NK_ROOTFS" "$MIRROR"

nk_mounts
nk_run "env: apt-get update (rootfs)" "$NK_LOGS/env-apt-update.log" nk_chroot apt-get update
# shellcheck disable=SC2086
nk_run "env: apt-get install (rootfs)" "$NK_LOGS/env-apt-install.log" \
	nk_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
# shellcheck disable=SC2086
nk_run "env: apt-get install -t trixie-backports (rootfs)" "$NK_LOGS/env-apt-install-bpo.log" \
	nk_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	-t trixie-backports $BACKPORTS
# shellcheck disable=SC2086
nk_run "env: apt-get install from sid (rootfs)" "$NK_LOGS/env-apt-install-sid.log" \
	nk_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $SID

if [ ! -f "$NK_PRISTINE/Makefile" ]; then
	rm -rf "$NK_PRISTINE.tmp"
	mkdir -p "$NK_PRISTINE.tmp"
	nk_run "env: extract linux-source-$NK_KVER" "$NK_LOGS/env-extract.log" \
		tar -C "$NK_PRISTINE.tmp" --strip-components=1 \
		-xf "$NK_ROOTFS/usr/src/linux-source-$NK_KVER.tar.xz"
	rm -rf "$NK_PRISTINE"
	mv "$NK_PRISTINE.tmp" "$NK_PRISTINE"
fi

echo "$want" >"$stamp"
[ "$NK_ARCH" = x86_64 ] || "$NK_REPO/tools/nk/env-$NK_ARCH.sh"
nk_say "env: ready; tool versions:"
nk_chroot sh -c '
	set +e
	echo "  source:  linux-source-'"$NK_KVER"' $(dpkg-query -W -f "\${Version}" linux-source-'"$NK_KVER"')"
	echo "  rustc:   $(rustc --version)"
	echo "  rustsrc: $(dpkg-query -W -f "\${Version}" rust-src)"
	echo "  bindgen: $(bindgen --version)"
	echo "  clang:   $(clang --version | head -1)"
	echo "  pahole:  $(pahole --version)"
	echo "  qemu:    $(qemu-system-x86_64 --version | head -1)"
	echo "  iproute2: $(ip -V)"
	echo "  bpftool: $(bpftool version | head -1)"
	echo "  python3: $(python3 --version)"
' >&2
