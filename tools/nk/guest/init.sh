#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test VM: mount the basics, run the command the host asked for,
# check dmesg, hand the results back through the run directory, power off.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /run/netns /var/run
ulimit -l unlimited
hostname netkit-vm
ip link set lo up
# Keep the console for the command's output; dmesg is checked at the end.
dmesg -n 1

run=$(sed -n 's/.*nk\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
set -a
. "$run/env"
set +a

# udev: netdevsim's selftest library waits on 'udevadm settle'.
/usr/lib/systemd/systemd-udevd --daemon >/dev/null 2>&1

poweroff() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 30 2>/dev/null || while :; do :; done
}

cd "$NK_REPO" || poweroff
echo "[vm] $(uname -r) up at $(cut -d' ' -f1 /proc/uptime)s, IMPL=$IMPL KDEBUG=$KDEBUG"
if [ "$(cat "$run/interactive")" = 1 ]; then
	con=/dev/$(sed -n 's/.*console=\([^ ]*\).*/\1/p' /proc/cmdline)
	setsid -c bash -l <"$con" >"$con" 2>&1
	rc=$?
else
	mapfile -d '' -t cmd <"$run/cmd"
	"${cmd[@]}" </dev/null
	rc=$?
fi

if [ -w /sys/kernel/debug/kmemleak ]; then
	# Two scans: a fresh leak is only reported once it survives a scan.
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$run/kmemleak"
fi
kcsan=
if [ "$KDEBUG" = kcsan ]; then
	kcsan=$run/kcsan
	{ cat /sys/kernel/debug/kcsan && echo "cpus: $(nproc)"; } >"$kcsan" 2>&1
fi
dmesg >"$run/dmesg"
"$NK_REPO/tools/nk/guest/dmesg-check.sh" "$run/dmesg" "$run/kmemleak" "$kcsan" >"$run/dmesg-bad"
echo "$rc" >"$run/rc"
poweroff
