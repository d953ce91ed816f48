#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a pod's memory goes, run in the VM by hand:
    make vm IMPL=c CMD='tools/nk/guest/podmem.py [N]'
Creates N (default 300) pod-style pairs (L3, peer in a netns of its own)
after an untimed warm-up round, with udev held, and prints per pod the
growth of each slab cache (num_objs x objsize) and of the kernel's memory
counters in /proc/meminfo. Comparing the C and the Rust kernel's output
tells a per-device cost from MemFree's run-to-run variation.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz as fz  # noqa: E402  pylint: disable=wrong-import-position
import stress as st  # noqa: E402  pylint: disable=wrong-import-position

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
FIELDS = ("MemFree", "Slab", "SUnreclaim", "Percpu", "KernelStack", "PageTables", "VmallocUsed")


def slabs():
    out = {}
    for line in open("/proc/slabinfo").read().splitlines()[2:]:
        f = line.split()
        out[f[0]] = int(f[2]) * int(f[3])
    return out


def pods(rt, n, prefix):
    fds = []
    for i in range(n):
        ns = st.new_netns()
        fds.append(ns)
        pa = [fz.strz(fz.IFLA["IFNAME"], "eth0", ""), fz.u32(fz.IFLA["NET_NS_FD"], ns, "")]
        e, ext, _ = rt.req(st.RTM_NEWLINK, fz.F_CREATE | fz.F_EXCL,
                           st.nk_link("%s%d" % (prefix, i), st.L3, peer=pa))
        if e:
            sys.exit("podmem: newlink: %s %s" % (fz.errname(e), ext.get("msg", "")))
    return fds


def main():
    rt = fz.NL(fz.NETLINK_ROUTE)
    pods(rt, 20, "pmw")
    st.udev_hold(True)
    try:
        st.settle()
        s0, m0 = slabs(), st.meminfo()
        pods(rt, N, "pm")
        st.settle()
        s1, m1 = slabs(), st.meminfo()
    finally:
        st.udev_hold(False)
    grew = sorted(((s1.get(k, 0) - s0.get(k, 0)) / N / 1024, k) for k in set(s0) | set(s1))
    for v, k in reversed(grew):
        if abs(v) >= 0.01:
            print("slab %-28s %8.2f KiB/pod" % (k, v))
    for k in FIELDS:
        print("meminfo %-12s %8.2f KiB/pod" % (k, (m1[k] - m0[k]) / N))


if __name__ == "__main__":
    main()
