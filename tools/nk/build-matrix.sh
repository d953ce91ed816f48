#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make build-matrix [MATRIX="arm riscv loongarch s390 um"] [IMPL=c|rust|both]:
# for each architecture that 7.3's Documentation/rust/arch-support.rst lists
# beside x86_64 and arm64 (which `make kernel` builds and the VM boots),
# configure allnoconfig with tools/nk/config/matrix.config, matrix-ARCH.config
# and impl-IMPL.config, and build vmlinux and the modules: IMPL's netkit and
# dummy, the net abstractions and the kernel crate with its KUnit doctests,
# warnings as errors, and check that the drivers were built. (On 32-bit arm
# u64 division in Rust code fails the link: the kernel has no
# __aeabi_uldivmod.) One line per arch and IMPL: ok or FAIL, the time, the
# reason and the log. Build trees in $NK_CACHE/build-matrix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=${MATRIX:-arm riscv loongarch s390 um}
impls=$(nk_impls both)
for a in $arches; do
	case $a in arm | riscv | loongarch | s390 | um) ;;
	*) nk_die "build-matrix: MATRIX lists arm, riscv, loongarch, s390 or um, not '$a'" ;;
	esac
done
"$NK_REPO/tools/nk/env.sh"
nk_overlay

# side_rustc: Debian's rustc-web (with its std, rust-web-src and LLVM),
# unpacked into the chroot's /opt/rust-web, not installed, and the PATH
# that puts it first (an arch whose minimum rustc, scripts/min-tool-version.sh,
# is newer than the chroot's builds with it). Progress on stderr.
side_rustc() {
	local d=/opt/rust-web pkgs deb t
	if [ ! -f "$NK_ROOTFS$d/.nk-stamp" ]; then
		nk_say "build-matrix: unpacking rustc-web into $NK_ROOTFS$d" >&2
		rm -rf "$NK_ROOTFS$d.tmp"
		mkdir -p "$NK_ROOTFS$d.tmp/debs" "$NK_ROOTFS$d.tmp/bin"
		nk_chroot apt-get update -qq >&2
		pkgs=$(nk_chroot sh -c '
			std=$(apt-cache depends libstd-rust-web-dev | sed -n "s/^ *Depends: \(libstd-rust-web-[0-9.]*\)$/\1/p")
			llvm=$(apt-cache depends "$std" | sed -n "s/^ *Depends: \(libllvm[0-9]*\)$/\1/p")
			echo rustc-web rust-web-src libstd-rust-web-dev $std $llvm')
		nk_chroot sh -c "chown _apt $d.tmp/debs && cd $d.tmp/debs && apt-get download -q $pkgs" >&2
		for deb in "$NK_ROOTFS$d.tmp"/debs/*.deb; do
			nk_chroot dpkg -x "${deb#"$NK_ROOTFS"}" "$d.tmp"
		done
		# rustc and rustdoc find their sysroot from their path, not the
		# libraries (no RUNPATH): exec them with LD_LIBRARY_PATH.
		for t in rustc rustdoc; do
			printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' \
				"$d/usr/lib/x86_64-linux-gnu" "$d/usr/bin/$t" >"$NK_ROOTFS$d.tmp/bin/$t"
			chmod +x "$NK_ROOTFS$d.tmp/bin/$t"
		done
		rm -rf "$NK_ROOTFS$d.tmp/debs" "$NK_ROOTFS$d"
		echo "$pkgs" >"$NK_ROOTFS$d.tmp/.nk-stamp"
		mv "$NK_ROOTFS$d.tmp" "$NK_ROOTFS$d"
	fi
	echo "PATH=$d/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}

# build A IMPL DIR LOG: configure and build; the reason of a failure on fd 3.
build() {
	local a=$1 impl=$2 dir=$3 log=$4 frags f bad envs= need have
	need=$(nk_chroot env SRCARCH="$a" ARCH="$a" sh "$NK_KSRC/scripts/min-tool-version.sh" rustc)
	have=$(nk_chroot rustc --version | cut -d' ' -f2)
	if [ "$(printf '%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
		envs=$(side_rustc)
		echo "rustc $have is older than $a's minimum $need: $envs" >>"$log"
	fi
	frags="$NK_REPO/tools/nk/config/matrix.config $NK_REPO/tools/nk/config/impl-$impl.config"
	f=$NK_REPO/tools/nk/config/matrix-$a.config
	[ ! -f "$f" ] || frags="$frags $f"
	mkdir -p "$dir"
	if ! nk_chroot env $envs make -C "$NK_KSRC" O="$dir" ARCH="$a" LLVM=1 rustavailable >>"$log" 2>&1; then
		echo "rustavailable: $(grep -m1 -iE 'error|too old|not' "$log" || echo 'failed')" >&3
		return 1
	fi
	nk_chroot env $envs sh -c "cd $NK_KSRC && LLVM=1 ARCH=$a scripts/kconfig/merge_config.sh -n -O $dir $frags" \
		>>"$log" 2>&1 || { echo "config failed" >&3; return 1; }
	bad=$(nk_config_disagrees "$dir/.config" $frags)
	[ -z "$bad" ] || { echo ".config disagrees: $bad" >&3; return 1; }
	nk_chroot env $envs make -C "$NK_KSRC" O="$dir" ARCH="$a" LLVM=1 -j"$(nproc)" vmlinux modules \
		>>"$log" 2>&1 || { echo "build failed: $(grep -m1 -E '^(error|.*: error)' "$log" || echo see log)" >&3; return 1; }
	local objs
	case $impl in
	c) objs="drivers/net/netkit.o drivers/net/dummy.ko" ;;
	rust) objs="drivers/net/netkit/netkit.o drivers/net/dummy/dummy.ko" ;;
	esac
	for f in $objs; do
		[ -f "$dir/$f" ] || { echo "no $f" >&3; return 1; }
	done
}

mkdir -p "$NK_CACHE/build-matrix"
results=()
fail=0
for a in $arches; do
	for i in $impls; do
		dir=$NK_CACHE/build-matrix/$a-$i
		log=$NK_LOGS/matrix-$a-$i.log
		: >"$log"
		t0=$(date +%s)
		nk_say "build-matrix: $a $i (log: $log)"
		if why=$(build "$a" "$i" "$dir" "$log" 3>&1 >/dev/null); then
			res="ok   $a.$i $(($(date +%s) - t0))s"
		else
			res="FAIL $a.$i $(($(date +%s) - t0))s: $why (log: $log)"
			fail=1
		fi
		nk_say "build-matrix: $res"
		results+=("$res")
	done
done
printf '%s\n' "${results[@]}"
[ "$fail" = 0 ] || nk_die "build-matrix: FAILED (see above)"
nk_say "build-matrix: PASS"
