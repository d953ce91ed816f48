# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the host tooling. Sourced, never run.
#
# NK_CACHE chooses where everything that is built or downloaded lives
# (rootfs, kernel source, build trees, logs). It is never inside the checkout.

NK_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NK_CACHE=${NK_CACHE:-/var/cache/netkit-rs}
NK_ROOTFS=$NK_CACHE/rootfs
NK_LOGS=$NK_CACHE/logs
# The kernel source as shipped (never modified) and the overlaid copy that
# both implementations build from, each into its own build directory.
NK_KVER=7.3
NK_PRISTINE=$NK_CACHE/src/pristine
NK_START=${NK_START:-$(date +%s)}
export NK_REPO NK_CACHE NK_ROOTFS NK_LOGS NK_START NK_PRISTINE

# Any unexpected failure names the script, line and command.
trap 'printf "[nk] ERROR: %s:%s: \"%s\" failed\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

nk_elapsed() {
	local s=$(($(date +%s) - NK_START))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# Progress line: "[nk 3m12s] phase: message".
nk_say() {
	printf '[nk %s] %s\n' "$(nk_elapsed)" "$*" >&2
}

nk_die() {
	printf '[nk %s] ERROR: %s\n' "$(nk_elapsed)" "$*" >&2
	exit 1
}

# ARCH (x86_64, the default, or arm64) selects the guest architecture. Each
# has its own overlaid source (the test tools are built in the tree), build
# directories, tools and guest root; x86_64 keeps the unsuffixed names and
# boots the build rootfs itself. NK_ASUF is the suffix of the others.
case ${ARCH:-x86_64} in
x86 | x86_64)
	NK_ARCH=x86_64 NK_KARCH=x86 NK_ASUF= NK_GROOT=$NK_ROOTFS
	NK_KIMAGE_TARGET=bzImage NK_KIMAGE_PATH=arch/x86/boot/bzImage
	;;
arm64 | aarch64)
	NK_ARCH=arm64 NK_KARCH=arm64 NK_ASUF=-arm64 NK_GROOT=$NK_CACHE/rootfs-arm64
	NK_KIMAGE_TARGET=Image NK_KIMAGE_PATH=arch/arm64/boot/Image
	;;
*) nk_die "ARCH must be x86_64 or arm64, not '$ARCH'" ;;
esac
NK_KSRC=$NK_CACHE/src/linux$NK_ASUF
export NK_ARCH NK_KARCH NK_ASUF NK_GROOT NK_KIMAGE_TARGET NK_KIMAGE_PATH NK_KSRC

# Mounts under the rootfs, one per line.
nk_rootfs_mounts() {
	awk -v r="$NK_ROOTFS" 'index($2, r) == 1 {print $2}' /proc/mounts
}

# nk_on_exit CMD: run CMD (eval'd) when this script exits. The top-level
# command also unmounts what it mounted under the rootfs and drops the lock.
NK_EXIT_CMDS=()
nk_on_exit() {
	NK_EXIT_CMDS+=("$1")
}
nk_exit() {
	local c m
	for c in "${NK_EXIT_CMDS[@]}"; do eval "$c" || true; done
	# Only a top level that holds the lock: one still waiting for it has
	# mounted nothing, and the mounts belong to the command holding it.
	[ "${NK_TOP:-}" = $$ ] && [ -n "${NK_MOUNTED_BEFORE+set}" ] || return 0
	for m in $(nk_rootfs_mounts | sort -r); do
		grep -qxF "$m" <<<"$NK_MOUNTED_BEFORE" || umount -l "$m" || true
	done
}
trap nk_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nk_lock WHAT: take the cache lock (fd 9), first come first served: a
# command that has to wait queues a ticket and takes the lock in turn.
nk_lock() {
	local q=$NK_CACHE/.lock.queue ticket first t
	mkdir -p "$q"
	exec 9>>"$NK_CACHE/.lock"
	if [ -z "$(ls -A "$q")" ] && flock -n 9; then
		echo "pid $$: $1" >"$NK_CACHE/.lock.owner"
		return 0
	fi
	nk_say "lock: $NK_CACHE is in use by another netkit-rs command ($(cat "$NK_CACHE/.lock.owner" 2>/dev/null || echo unknown)); waiting for it to finish (Ctrl-C to give up)"
	ticket=$q/$(date +%s%N)-$$
	: >"$ticket"
	nk_on_exit "rm -f '$ticket'"
	while :; do
		first=
		for t in $(ls "$q" | sort); do
			if kill -0 "${t#*-}" 2>/dev/null; then
				first=$t
				break
			fi
			rm -f "$q/$t"
		done
		[ "$first" = "${ticket##*/}" ] && break
		sleep 1
	done
	flock 9
	rm -f "$ticket"
	echo "pid $$: $1" >"$NK_CACHE/.lock.owner"
	nk_say "lock: got it"
}

# The first netkit-rs script of a command is its top level: it checks the
# host, takes the cache lock (two commands on one cache would build into
# and mount the same trees) and, at exit, undoes its mounts. Scripts it
# runs inherit NK_TOP and do none of this.
if [ -z "${NK_TOP:-}" ]; then
	NK_TOP=$$
	export NK_TOP
	unset NK_MOUNTED_BEFORE
	[ "$(id -u)" = 0 ] ||
		nk_die "netkit-rs needs root (debootstrap, chroot, mount, qemu in the rootfs): run it as root or with sudo"
	command -v git >/dev/null ||
		nk_die "the host needs git (the overlay lists the repo's files with it): apt-get install git"
	mkdir -p "$NK_CACHE" "$NK_LOGS"
	nk_lock "${0##*/} $*"
	NK_MOUNTED_BEFORE=$(nk_rootfs_mounts)
	export NK_MOUNTED_BEFORE
fi

# nk_run PHASE LOG CMD...: run CMD with output in LOG; on failure say which
# phase failed, show the log tail and where the whole log is.
nk_run() {
	local phase=$1 log=$2
	shift 2
	local t0=$(date +%s)
	nk_say "$phase: started (log: $log)"
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		nk_die "$phase failed after $(($(date +%s) - t0))s; full log: $log"
	fi
	nk_say "$phase: done in $(($(date +%s) - t0))s"
}

# The rootfs doubles as the build chroot. The checkout and the cache are
# bind-mounted at their own paths so a path means the same inside and out.
nk_mount_one() {
	local src=$1 dst=$NK_ROOTFS$1 type=${2:-bind}
	case $type in
	# A bind mount of a directory that was since replaced is stale: redone.
	bind) nk_bind "$src" "$dst" ;;
	*)
		mkdir -p "$dst"
		mountpoint -q "$dst" || mount -t "$type" "$type" "$dst"
		;;
	esac
}

# nk_bind SRC DST: bind-mount SRC on DST unless it already is.
nk_bind() {
	mkdir -p "$2"
	if mountpoint -q "$2"; then
		[ "$(stat -c %d:%i "$1")" = "$(stat -c %d:%i "$2")" ] && return 0
		umount -l "$2"
	fi
	mount --bind "$1" "$2"
}

nk_mounts() {
	nk_mount_one /proc proc
	nk_mount_one /sys sysfs
	nk_mount_one /dev
	nk_mount_one /dev/pts
	nk_mount_one "$NK_CACHE"
	nk_mount_one "$NK_REPO"
}

nk_umounts() {
	local m
	# Deepest first.
	for m in $(awk -v r="$NK_ROOTFS" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" || true
	done
}

# nk_apt_setup ROOT MIRROR: the apt sources of a Debian root made by
# debootstrap: trixie, its updates and backports, and sid for what is asked
# of it by name.
nk_apt_setup() {
	local root=$1 mirror=$2
	rm -f "$root/etc/apt/sources.list"
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: trixie trixie-updates trixie-backports sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	cat >"$root/etc/apt/preferences.d/nk-sid" <<EOF
Package: *
Pin: release n=sid
Pin-Priority: 100
EOF
	# A frozen mirror snapshot may carry expired Release files.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99nk"
	echo netkit-vm >"$root/etc/hostname"
}

# nk_arm64_chroot CMD...: CMD as root chrooted in the arm64 guest root, its
# arm64 programs run by the build rootfs's static qemu-aarch64 through a
# binfmt_misc instance of a user namespace made for this call (Linux 6.7 and
# later): nothing is registered or mounted on the host. The namespace maps
# uids and gids 0-65535 to themselves, so files get their real owners.
nk_arm64_chroot() {
	local q=$NK_ROOTFS/usr/bin/qemu-aarch64 conf reg fifo pid rc=0
	conf=$NK_ROOTFS/usr/share/qemu/binfmt.d/qemu-aarch64.conf
	[ -x "$q" ] && [ -f "$conf" ] || nk_die "arm64: no $q (qemu-user in the build rootfs)"
	# qemu's own entry with the host path of the interpreter and flag F (the
	# interpreter is opened now, not looked up in the chroot).
	reg=$(sed -E "s|:[^:]*:[A-Z]*$|:$q:F|" "$conf")
	fifo=$(mktemp -u "$NK_CACHE/.arm64ns.XXXXXX")
	mkfifo "$fifo"
	unshare --user --mount --pid --fork --kill-child -- /bin/sh -ec '
		read -r _ <"$1"
		r=$2 reg=$3
		shift 3
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
		printf "%s\n" "$reg" >/proc/sys/fs/binfmt_misc/register
		mount --rbind /dev "$r/dev"
		mount -t proc proc "$r/proc"
		mount --rbind /sys "$r/sys"
		exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"' \
		sh "$fifo" "$NK_GROOT" "$reg" "$@" &
	pid=$!
	# The maps are written from outside, by root: no newuidmap needed.
	while [ "$(readlink "/proc/$pid/ns/user")" = "$(readlink /proc/self/ns/user)" ]; do
		sleep 0.05
	done
	echo '0 0 65536' >"/proc/$pid/uid_map"
	echo '0 0 65536' >"/proc/$pid/gid_map"
	echo go >"$fifo"
	wait "$pid" || rc=$?
	rm -f "$fifo"
	return "$rc"
}

# The chroot with its mounts (made if missing, undone when the command ends).
nk_chroot() {
	nk_mounts
	chroot "$NK_ROOTFS" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "$@"
}

# nk_config_disagrees CONFIG FRAGMENT...: the CONFIG_X=v lines of the
# fragments that the .config file CONFIG does not have (for =n: that it
# sets), space-separated; nothing when it agrees with every one.
nk_config_disagrees() {
	local config=$1 line bad=
	shift
	for line in $(cat "$@" | grep -E '^CONFIG_[A-Z0-9_]+=' || true); do
		case $line in
		*=n) ! grep -q "^${line%=n}=" "$config" || bad="$bad $line" ;;
		*) grep -qx "$line" "$config" || bad="$bad $line" ;;
		esac
	done
	echo "${bad# }"
}

# nk_overlay: the repo's kernel-tree parts (everything else is host tooling)
# and patches on a copy of the pristine source, $NK_KSRC, made if missing.
NK_OVERLAY_DIRS="Documentation drivers include kernel net rust scripts tools/testing tools/net"

nk_overlay() {
	local stage=$NK_CACHE/src/stage$NK_ASUF manifest=$NK_CACHE/src/overlay$NK_ASUF.manifest f
	rm -rf "$stage"
	mkdir -p "$stage"
	if [ ! -d "$NK_KSRC" ]; then
		nk_say "overlay: copying pristine source to $NK_KSRC"
		cp -a "$NK_PRISTINE" "$NK_KSRC"
		: >"$manifest"
	fi
	(cd "$NK_REPO" && for d in $NK_OVERLAY_DIRS; do
		if [ -e "$d" ]; then git ls-files -co --exclude-standard -- "$d"; fi
	done) | while read -r f; do
		[ -f "$NK_REPO/$f" ] || continue
		mkdir -p "$stage/$(dirname "$f")"
		cp -p "$NK_REPO/$f" "$stage/$f"
	done
	# Edits to upstream files are patches against the pristine source.
	for p in "$NK_REPO"/patches/*.patch; do
		[ -e "$p" ] || continue
		for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
			[ -e "$stage/$f" ] && continue
			mkdir -p "$stage/$(dirname "$f")"
			if [ -e "$NK_PRISTINE/$f" ]; then cp -p "$NK_PRISTINE/$f" "$stage/$f"; fi
		done
		patch -s -p1 -d "$stage" --no-backup-if-mismatch <"$p" ||
			nk_die "overlay: patch $(basename "$p") does not apply to linux-source-$NK_KVER"
	done
	# Files the previous overlay touched but this one does not: back to pristine.
	(cd "$stage" && find . -type f | sed 's|^\./||' | sort) >"$manifest.new"
	if [ -f "$manifest" ]; then
		comm -23 "$manifest" "$manifest.new" | while read -r f; do
			if [ -e "$NK_PRISTINE/$f" ]; then
				cp -p "$NK_PRISTINE/$f" "$NK_KSRC/$f"
			else
				rm -f "$NK_KSRC/$f"
			fi
		done
	fi
	# --checksum keeps mtimes of unchanged files: no spurious rebuilds.
	nk_chroot rsync -r --checksum "$stage/" "$NK_KSRC/"
	mv "$manifest.new" "$manifest"
	nk_say "overlay: $(wc -l <"$manifest") files from the repo on linux-source-$NK_KVER"
}

# nk_impls DEFAULT: the kernels IMPL (c, rust or both; DEFAULT if unset)
# names, as "c", "rust" or "c rust".
nk_impls() {
	case ${IMPL:-$1} in
	both) echo "c rust" ;;
	c | rust) echo "${IMPL:-$1}" ;;
	*) nk_die "IMPL must be c, rust or both" ;;
	esac
}

# nk_kernels IMPLS [PREFIX...]: build (or check) the kernel of each of
# IMPLS, running kernel.sh under PREFIX (e.g. env -u NK_TOP).
nk_kernels() {
	local i impls=$1
	shift
	for i in $impls; do IMPL=$i "$@" "$NK_REPO/tools/nk/kernel.sh"; done
}

# IMPL (c|rust) and KDEBUG (0|1|lock|kcsan|cov) select a kernel and its build
# directory (tools/nk/kernel.sh says what each KDEBUG is).
nk_kernel_vars() {
	IMPL=${IMPL:-c}
	KDEBUG=${KDEBUG:-0}
	case $IMPL in c | rust) ;; *) nk_die "IMPL must be c or rust, not '$IMPL'" ;; esac
	case $KDEBUG in
	0) NK_KSUF= ;;
	1) NK_KSUF=-debug ;;
	lock | kcsan | cov) NK_KSUF=-$KDEBUG ;;
	*) nk_die "KDEBUG must be 0, 1, lock, kcsan or cov, not '$KDEBUG'" ;;
	esac
	NK_KBUILD=$NK_CACHE/build$NK_ASUF/$IMPL$NK_KSUF
	NK_BZIMAGE=$NK_KBUILD/$NK_KIMAGE_PATH
	export IMPL KDEBUG NK_KSUF NK_KBUILD NK_BZIMAGE
}
