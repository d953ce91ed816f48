#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scale workloads of `make bench`, run in the VM: for each N in
NK_BENCH_SCALE, N netkit pairs created as pods are (L3, peer in a netns of
its own) and then deleted; and NK_BENCH_SINGLES single netkit devices, each
with a netdevsim rx queue leased into it, created and deleted. Requests go
straight over netlink (no tool is started per device). Appends
"workload netkit value" lines to $NK_RUN/bench.txt:
  scale_pairs_create_N   pairs created per second (newlink with the peer
                         in its netns)
  scale_pairs_delete_N   pairs deleted per second (dellink of the primary)
  scale_pairs_kib_N      KiB of memory per pod (MemFree, netns included)
  scale_singles_lease_N  singles created and leased a queue, per second
  scale_singles_delete_N singles deleted (lease dropped) per second
Exits 1 if a request fails or a device or lease is left behind.
"""

import os
import resource
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz as fz  # noqa: E402  pylint: disable=wrong-import-position
import stress as st  # noqa: E402  pylint: disable=wrong-import-position

OUT = os.path.join(os.environ.get("NK_RUN", "/tmp"), "bench.txt")
SIZES = [int(x) for x in os.environ.get("NK_BENCH_SCALE", "").split()]
SINGLES = int(os.environ.get("NK_BENCH_SINGLES", "0"))
NSIM_ID = 90


def must(what, res):
    e, ext = res[0], res[1]
    if e:
        sys.exit("scale: %s: %s %s" % (what, fz.errname(e), ext.get("msg", "")))
    return res


def emit(out, name, value):
    """Records a result; the warm-up round (out is None) records none."""
    if out is None:
        return
    line = "%s netkit %.1f" % (name, value)
    print(line, flush=True)
    out.write(line + "\n")


def ifindexes(rt, prefix):
    e, _, r = must("dump", rt.req(st.RTM_GETLINK, fz.F_DUMP,
                                  fz.ifinfo() + fz.u32(fz.IFLA["EXT_MASK"], 0, "").enc()))
    out = {}
    for t, body in r:
        if t == st.RTM_NEWLINK:
            nm = fz.name_of(fz.adict(body[16:]))
            if nm.startswith(prefix):
                out[nm] = struct.unpack_from("i", body, 4)[0]
    return out


def wait_netns(n0, n):
    """Gives the cleanup of n netns time to finish before the next workload
    (leaks are stress.py's to find: the slab keeps some freed ones)."""
    t0 = time.monotonic()
    while st.netns_count() > n0 + 2 * st.NETNS_SLACK and time.monotonic() - t0 < 120 + n / 10:
        time.sleep(0.5)


def pairs(rt, out, n):
    st.settle()
    free0, ns0 = st.meminfo()["MemFree"], st.netns_count()
    fds = []
    t0 = time.monotonic()
    for i in range(n):
        ns = st.new_netns()
        fds.append(ns)
        pa = [fz.strz(fz.IFLA["IFNAME"], "eth0", ""), fz.u32(fz.IFLA["NET_NS_FD"], ns, "")]
        must("newlink", rt.req(st.RTM_NEWLINK, fz.F_CREATE | fz.F_EXCL,
                               st.nk_link("lxc%d" % i, st.L3, peer=pa)))
    t1 = time.monotonic()
    st.settle()
    free1 = st.meminfo()["MemFree"]
    idx = ifindexes(rt, "lxc")
    if len(idx) != n:
        sys.exit("scale: %d of %d pairs there" % (len(idx), n))
    t2 = time.monotonic()
    for ifx in idx.values():
        must("dellink", rt.req(st.RTM_DELLINK, 0, fz.ifinfo(ifx)))
    t3 = time.monotonic()
    for fd in fds:
        os.close(fd)
    wait_netns(ns0, n)
    emit(out, "scale_pairs_create_%d" % n, n / (t1 - t0))
    emit(out, "scale_pairs_delete_%d" % n, n / (t3 - t2))
    emit(out, "scale_pairs_kib_%d" % n, (free0 - free1) / n)


def singles(rt, gn, out, n):
    name, phys = st.nsim_new(NSIM_ID, n + 1)
    must("nsim up", rt.req(st.RTM_SETLINK, 0, fz.ifinfo(phys, fz.IFF_UP, fz.IFF_UP)))
    t0 = time.monotonic()
    for i in range(n):
        e, _, r = must("newlink", rt.req(st.RTM_NEWLINK, fz.F_CREATE | fz.F_EXCL,
                                         st.nk_link("nks%d" % i, st.L2, st.SINGLE, rxq=2)))
        e, _, r = must("getlink", rt.req(st.RTM_GETLINK, 0, fz.ifinfo() +
                                         fz.strz(fz.IFLA["IFNAME"], "nks%d" % i, "").enc()))
        ifx = struct.unpack_from("i", r[0][1], 4)[0]
        must("up", rt.req(st.RTM_SETLINK, 0, fz.ifinfo(ifx, fz.IFF_UP, fz.IFF_UP)))
        a = [fz.u32(fz.Q_IFINDEX, ifx, ""), fz.u32(fz.Q_TYPE, 0, ""),
             fz.nest(fz.Q_LEASE | fz.NLA_F_NESTED, [
                 fz.u32(fz.L_IFINDEX, phys, ""),
                 fz.nest(fz.L_QUEUE | fz.NLA_F_NESTED, [fz.u32(fz.Q_ID, i + 1, ""),
                                                        fz.u32(fz.Q_TYPE, 0, "")], "")], "")]
        must("queue-create", gn.genl(fz.ND_CMD_QUEUE_CREATE, 0, fz.enc_attrs(a)))
    t1 = time.monotonic()
    idx = ifindexes(rt, "nks")
    t2 = time.monotonic()
    for ifx in idx.values():
        must("dellink", rt.req(st.RTM_DELLINK, 0, fz.ifinfo(ifx)))
    t3 = time.monotonic()
    left = st.netkits_and_leases()
    if left:
        sys.exit("scale: left behind: %s" % ", ".join(left[:10]))
    st.nsim_gone(NSIM_ID)
    emit(out, "scale_singles_lease_%d" % n, n / (t1 - t0))
    emit(out, "scale_singles_delete_%d" % n, n / (t3 - t2))


def main():
    # a pod's netns is held by an fd until its pair is deleted
    need = max(SIZES + [0]) + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(hard, need)))
    rt, gn = fz.NL(fz.NETLINK_ROUTE), fz.NL(fz.NETLINK_GENERIC)
    # the kernel's first netkit and netns set up caches: not measured
    pairs(rt, None, 10)
    st.udev_hold(True)
    try:
        with open(OUT, "a") as out:
            for n in SIZES:
                pairs(rt, out, n)
            if SINGLES:
                singles(rt, gn, out, SINGLES)
    finally:
        st.udev_hold(False)


if __name__ == "__main__":
    main()
