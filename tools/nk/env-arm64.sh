#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ARCH=arm64 environment, run by env.sh: in the build rootfs the arm64 qemu,
# the aarch64 cross toolchain and the arm64 libraries the test tools link
# against; a Debian 13 arm64 guest root ($NK_GROOT) made with debootstrap,
# its second stage and packages run under qemu-user (nk_arm64_chroot). Each
# part is redone only when this script changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MIRROR=${NK_MIRROR:-http://deb.debian.org/debian}

# Build rootfs: qemu for the guest, qemu-user for the guest root's own
# programs, and what cross-building the test tools needs (gcc's runtime
# objects and the target libc: clang cannot link a program without them).
BUILD_PACKAGES="
	qemu-system-arm qemu-user gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	libc6-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64 libbpf-dev:arm64
	libssl-dev:arm64
"
BUILD_SID="liburing-dev:arm64/sid liburing2:arm64/sid"
# Guest root: what the guest scripts and suites run; no compilers.
GUEST_PACKAGES="
	kmod python3 python3-yaml python3-jsonschema iproute2 bpftool ethtool
	iputils-ping iperf3 netperf procps udev jq nftables socat bc
	libbpf1 libelf1t64 zlib1g libzstd1
"
GUEST_SID="liburing2/sid"

want=$(sha256sum <"$0" | cut -d' ' -f1)
bstamp=$NK_ROOTFS/.nk-env-arm64-stamp
gstamp=$NK_GROOT/.nk-env-stamp

if [ "$(cat "$bstamp" 2>/dev/null)" != "$want" ]; then
	nk_chroot dpkg --add-architecture arm64
	nk_run "env-arm64: apt-get update (rootfs)" "$NK_LOGS/env-arm64-apt-update.log" \
		nk_chroot apt-get update
	# shellcheck disable=SC2086
	nk_run "env-arm64: apt-get install (rootfs)" "$NK_LOGS/env-arm64-apt-install.log" \
		nk_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $BUILD_PACKAGES
	# shellcheck disable=SC2086
	nk_run "env-arm64: apt-get install from sid (rootfs)" "$NK_LOGS/env-arm64-apt-install-sid.log" \
		nk_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $BUILD_SID
	echo "$want" >"$bstamp"
fi

if [ "$(cat "$gstamp" 2>/dev/null)" != "$want" ]; then
	# A finished second stage removes /debootstrap.
	if [ ! -x "$NK_GROOT/usr/bin/apt-get" ] || [ -d "$NK_GROOT/debootstrap" ]; then
		# Nothing may be mounted under a root that is deleted.
		[ -z "$(awk -v r="$NK_GROOT/" 'index($2, r) == 1' /proc/mounts)" ] ||
			nk_die "env-arm64: something is mounted under $NK_GROOT"
		rm -rf --one-file-system "$NK_GROOT"
		nk_run "env-arm64: debootstrap --foreign arm64 trixie" "$NK_LOGS/env-arm64-debootstrap.log" \
			debootstrap --foreign --arch=arm64 --variant=minbase --include=ca-certificates \
			trixie "$NK_GROOT" "$MIRROR"
		# container=lxc: no mknod test (a user namespace may not mknod; the
		# first stage made the device nodes).
		nk_run "env-arm64: debootstrap second stage (qemu-user)" \
			"$NK_LOGS/env-arm64-debootstrap2.log" \
			nk_arm64_chroot env container=lxc /debootstrap/debootstrap --second-stage
	fi
	nk_apt_setup "$NK_GROOT" "$MIRROR"
	# The guest's mount points of the checkout, the cache and the Go sources.
	mkdir -p "$NK_GROOT/nk/repo" "$NK_GROOT/nk/cache" "$NK_GROOT/usr/share/gocode"
	nk_run "env-arm64: apt-get update (guest root)" "$NK_LOGS/env-arm64-guest-update.log" \
		nk_arm64_chroot apt-get update
	# shellcheck disable=SC2086
	nk_run "env-arm64: apt-get install (guest root)" "$NK_LOGS/env-arm64-guest-install.log" \
		nk_arm64_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $GUEST_PACKAGES
	# shellcheck disable=SC2086
	nk_run "env-arm64: apt-get install from sid (guest root)" \
		"$NK_LOGS/env-arm64-guest-install-sid.log" \
		nk_arm64_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $GUEST_SID
	echo "$want" >"$gstamp"
	nk_say "env-arm64: guest root ready: $(nk_arm64_chroot sh -c 'ip -V; python3 --version' | tr '\n' ' ')"
fi
