#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the Go client test binaries into $NK_CACHE/go-tests[-arm64], unchanged from
# the rootfs's Debian packages (GOPATH mode, sources in /usr/share/gocode, no
# network): vishvananda/netlink's package tests (go_netlink.test) and
# jsimonetti/rtnetlink's driver tests with -tags integration
# (go_rtnetlink.test), plus test2json for the guest runner. Redone when this
# script or a Go package in the rootfs changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$NK_CACHE/go-tests$NK_ASUF
stamp=$out/.stamp
"$NK_REPO/tools/nk/env.sh"
want=$({
	cat "$0"
	echo "$NK_ARCH"
	nk_chroot dpkg-query -W -f '${Package} ${Version}\n' 'golang-*'
} | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

mkdir -p "$out"
rm -f "$stamp"
# ARCH=arm64: pure Go, cross-compiled.
cross=()
[ "$NK_ARCH" != arm64 ] || cross=(GOARCH=arm64 CGO_ENABLED=0)
gobuild() {
	nk_chroot env GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOTOOLCHAIN=local \
		GOFLAGS= GOCACHE="$out/gocache" "${cross[@]}" "$@"
}
# nk_run tests the result, which turns errexit off inside: chained.
build() {
	gobuild go test -c -o "$out/go_netlink.test" github.com/vishvananda/netlink &&
		gobuild go test -c -tags integration -o "$out/go_rtnetlink.test" \
			github.com/jsimonetti/rtnetlink/driver &&
		gobuild go build -o "$out/test2json" cmd/test2json
}
nk_run "go-tests: go_netlink.test, go_rtnetlink.test" "$NK_LOGS/go-tests$NK_ASUF.log" build
echo "$want" >"$stamp"
