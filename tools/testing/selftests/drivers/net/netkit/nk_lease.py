#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit queue leasing beyond nk_qlease.py: the xdp-features netkit
advertises per pairing mode, its ndo_bpf (native XDP refused; AF_XDP
zero-copy binds refused by netkit itself on unleased queues and on queues
leased from a device without AF_XDP zero-copy: no driver here, netdevsim
included, implements it, so a zero-copy bind cannot succeed), copy mode on
netkit's real rx queues, the rx queue limit, and lease/unlease under
concurrent namespace moves and deletions."""

import ctypes
import errno
import mmap
import os
import socket
import struct
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_raises,
                        ksft_true, NetdevFamily, NetdevSimDev,
                        NetNS, Netlink, NlError, RtnlFamily, cmd, defer, ip)
from nk_fault import FailNth

AF_XDP = 44
SOL_XDP = 283
XDP_RX_RING = 2
XDP_UMEM_REG = 4
XDP_UMEM_FILL_RING = 5
XDP_UMEM_COMPLETION_RING = 6
XDP_COPY = 1 << 1
XDP_ZEROCOPY = 1 << 2
XDP_FLAGS_SKB_MODE = 1 << 1
XDP_FLAGS_DRV_MODE = 1 << 2
CREATE = [Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL]
# What netkit advertises (netdev dev-get): NETDEV_XDP_ACT_XSK on single
# devices, nothing on pairs.
XDP_FEATURES_SINGLE = {"basic", "redirect", "xsk-zerocopy"}

libc = ctypes.CDLL(None, use_errno=True)


def xsk_bind(ifindex, queue, flags):
    """Binds an AF_XDP socket; returns 0 or the errno."""
    fd = libc.socket(AF_XDP, socket.SOCK_RAW, 0)
    if fd < 0:
        return ctypes.get_errno()
    area = mmap.mmap(-1, 64 * 4096)
    try:
        addr = ctypes.addressof(ctypes.c_char.from_buffer(area))
        reg = struct.pack("QQIIII", addr, 64 * 4096, 4096, 0, 0, 0)
        ring = struct.pack("i", 64)
        for opt, val in ((XDP_UMEM_REG, reg), (XDP_UMEM_FILL_RING, ring),
                         (XDP_UMEM_COMPLETION_RING, ring), (XDP_RX_RING, ring)):
            if libc.setsockopt(fd, SOL_XDP, opt, val, len(val)):
                return ctypes.get_errno()
        sxdp = struct.pack("HHIII", AF_XDP, flags, ifindex, queue, 0)
        if libc.bind(fd, sxdp, len(sxdp)):
            return ctypes.get_errno()
        return 0
    finally:
        libc.close(fd)


def xdp_features(ifindex):
    return NetdevFamily().dev_get({"ifindex": ifindex})["xdp-features"]


def xdp_prog():
    """Loads "return XDP_PASS" (BPF_PROG_LOAD); returns its fd."""
    insns = bytes([0xb7, 0, 0, 0, 2, 0, 0, 0,   # r0 = XDP_PASS
                   0x95, 0, 0, 0, 0, 0, 0, 0])  # exit
    lic = ctypes.create_string_buffer(b"GPL")
    ins = ctypes.create_string_buffer(insns, len(insns))
    attr = struct.pack("IIQQIIQII16sII", 6, 2,  # BPF_PROG_TYPE_XDP, 2 insns
                       ctypes.addressof(ins), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"nk_xdp_pass", 0, 0).ljust(128, b"\0")
    buf = ctypes.create_string_buffer(attr, len(attr))
    nr_bpf = {"x86_64": 321, "aarch64": 280}[os.uname().machine]
    fd = libc.syscall(nr_bpf, 5, buf, len(attr))  # bpf(BPF_PROG_LOAD)
    ksft_true(fd >= 0, comment=f"BPF_PROG_LOAD errno {ctypes.get_errno()}")
    defer(libc.close, fd)
    return fd


def single(name="nks", rxq=4):
    RtnlFamily().newlink({"ifname": name, "num-rx-queues": rxq,
                          "linkinfo": {"kind": "netkit",
                                       "data": {"pairing": "single", "mode": "l2"}}},
                         flags=CREATE)
    defer(cmd, f"ip link del {name}", fail=False)
    ip(f"link set {name} up")
    return ip(f"link show {name}", json=True)[0]["ifindex"]


def nsim(queues=4):
    # NetdevSimDev gives udev 20 s to settle; after the churn of earlier
    # cases a KASAN kernel under TCG can need more: drain the queue first.
    cmd("udevadm settle --timeout=600", fail=False, timeout=610)
    dev = NetdevSimDev(port_count=1, queue_count=queues)
    defer(dev.remove)
    n = dev.nsims[0]
    ip(f"link set dev {n.ifname} up")
    return dev, n


def lease(nk_idx, phys_idx, queue):
    return NetdevFamily().queue_create({
        "ifindex": nk_idx, "type": "rx",
        "lease": {"ifindex": phys_idx, "queue": {"id": queue, "type": "rx"}}})["id"]


def test_xsk_copy_mode() -> None:
    """A single device created with 4 rx queues has one real rx queue:
    a copy-mode bind works on queue 0 and gets EINVAL (the core's check
    against the real queue count) on queue 1; after a lease queue 1 is real
    and binds."""
    _, n = nsim()
    idx = single(rxq=4)
    ksft_eq(xsk_bind(idx, 0, XDP_COPY), 0)
    ksft_eq(xsk_bind(idx, 1, XDP_COPY), errno.EINVAL)
    ksft_eq(lease(idx, n.ifindex, 1), 1)
    ksft_eq(xsk_bind(idx, 1, XDP_COPY), 0)


def test_xsk_zc_unleased_queue() -> None:
    """A single device advertises basic, redirect and xsk-zerocopy, so the
    core's checks pass and the zero-copy bind on its unleased queue 0
    reaches netkit's ndo_bpf, which refuses it: EOPNOTSUPP."""
    idx = single()
    ksft_eq(xdp_features(idx), XDP_FEATURES_SINGLE)
    ksft_eq(xsk_bind(idx, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP)


def test_xsk_zc_pair_refused() -> None:
    """Neither side of a pair advertises any xdp-feature; a zero-copy bind
    on either is refused (EOPNOTSUPP; by the core, for the missing
    xsk-zerocopy feature)."""
    ip("link add nkx type netkit peer name nky")
    defer(cmd, "ip link del nkx", fail=False)
    for dev in ("nkx", "nky"):
        idx = ip(f"link show {dev}", json=True)[0]["ifindex"]
        ksft_eq(xdp_features(idx), set(), comment=dev)
        ksft_eq(xsk_bind(idx, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP, comment=dev)


def test_xsk_zc_leased_queue_no_phys_support() -> None:
    """A zero-copy bind on a single device's queue leased from netdevsim
    (which advertises basic and hw-offload only) passes the core's checks
    (netkit still advertises basic, redirect and xsk-zerocopy) and is
    refused by netkit: EOPNOTSUPP. Then a copy-mode bind on the same queue
    works (the refused bind left no pool on it)."""
    _, n = nsim()
    idx = single()
    q = lease(idx, n.ifindex, 2)
    ksft_eq(q, 1)
    ksft_eq(xdp_features(n.ifindex), {"basic", "hw-offload"})
    ksft_eq(xdp_features(idx), XDP_FEATURES_SINGLE)
    ksft_eq(xsk_bind(idx, q, XDP_ZEROCOPY), errno.EOPNOTSUPP)
    ksft_eq(xsk_bind(idx, q, XDP_COPY), 0)


def test_xdp_native_refused() -> None:
    """Attaching an XDP program in native (driver) mode reaches netkit's
    ndo_bpf (XDP_SETUP_PROG) on a single device and on a pair's primary
    and peer, and netkit refuses it: EOPNOTSUPP with no extack (the core's
    message for drivers without ndo_bpf is absent); no program is left
    attached."""
    fd = xdp_prog()
    single()
    ip("link add nkx type netkit peer name nky")
    defer(cmd, "ip link del nkx", fail=False)
    for dev in ("nks", "nkx", "nky"):
        with ksft_raises(NlError) as e:
            RtnlFamily().newlink({"ifname": dev, "xdp": {
                "fd": fd, "flags": XDP_FLAGS_DRV_MODE}})
        ksft_eq(e.exception.nl_msg.error, -errno.EOPNOTSUPP, comment=dev)
        ksft_eq(e.exception.nl_msg.extack, None, comment=dev)
        ksft_true("xdp" not in ip(f"link show {dev}", json=True)[0],
                  comment=dev)


def test_queue_limit() -> None:
    _, n = nsim(queues=4)
    idx = single(rxq=3)
    ksft_eq(lease(idx, n.ifindex, 1), 1)
    ksft_eq(lease(idx, n.ifindex, 2), 2)
    try:
        lease(idx, n.ifindex, 3)
        ksft_true(False, comment="lease past num_rx_queues succeeded")
    except NlError as e:
        ksft_eq(e.nl_msg.error, -errno.EINVAL)
        ksft_eq(e.nl_msg.extack.get("msg"), "netkit maximum queue limit reached")


def phys_lease(phys_idx, queue, deadline=5):
    """The lease netdevsim's rx queue shows (from the lessor's side). A
    device that is down has no queues to show (ENOENT): retried until
    deadline, for a device another thread sets down and up."""
    end = time.monotonic() + deadline
    while True:
        try:
            return NetdevFamily().queue_get({"ifindex": phys_idx, "id": queue,
                                             "type": "rx"}).get("lease")
        except NlError as e:
            if e.nl_msg.error != -errno.ENOENT or time.monotonic() > end:
                raise
        time.sleep(0.01)


def test_unlease_on_delete() -> None:
    """netdevsim queues 1 and 3 leased into a single device show the lease
    (the netkit's ifindex and queues 1, 2); deleting the netkit removes both
    leases and queue 1 can be leased again."""
    _, n = nsim()
    idx = single()
    ksft_eq(lease(idx, n.ifindex, 1), 1)
    ksft_eq(lease(idx, n.ifindex, 3), 2)
    for phys_q, nk_q in ((1, 1), (3, 2)):
        info = phys_lease(n.ifindex, phys_q)
        ksft_eq((info or {}).get("ifindex"), idx)
        ksft_eq((info or {}).get("queue", {}).get("id"), nk_q)
    ip("link del nks")
    for q in (1, 3):
        info = NetdevFamily().queue_get({"ifindex": n.ifindex, "id": q, "type": "rx"})
        ksft_true("lease" not in info)
    # The queues can be leased again.
    idx = single(name="nkt")
    ksft_eq(lease(idx, n.ifindex, 1), 1)


def test_concurrent_moves_and_deletes() -> None:
    """Three threads, 12 rounds each: make a netkit pair, lease a netdevsim
    queue into its peer (every lease must succeed, as netkit queue 1, and
    show on the netdevsim queue), move the peer to one of three namespaces,
    delete the peer (there) or the primary; meanwhile netdevsim is set down
    and up. Afterwards: 36 leases were made, none of netdevsim's 8 rx
    queues shows a lease, and no netkit is left in any namespace."""
    _, n = nsim(queues=8)
    threads_n, rounds = 3, 12
    errors = []
    made = []
    namespaces = [NetNS() for _ in range(3)]
    for ns in namespaces:
        defer(ns.__del__)

    def worker(k):
        try:
            for r in range(rounds):
                host, guest = f"nh{k}", f"ng{k}"
                ip(f"link add {host} type netkit peer name {guest} numrxqueues 2")
                gidx = ip(f"link show {guest}", json=True)[0]["ifindex"]
                # Each thread owns its two netdevsim queues and frees the
                # one it leased a round before it uses it again.
                phys_q = 1 + k * 2 + (r % 2)
                try:
                    q = lease(gidx, n.ifindex, phys_q)
                except NlError as e:
                    errors.append(f"{k}/{r}: lease of queue {phys_q}: {e}")
                    q = None
                if q is not None:
                    try:
                        info = phys_lease(n.ifindex, phys_q) or {}
                    except NlError as e:
                        info = {"error": e.nl_msg.error}
                    if q != 1 or info.get("ifindex") != gidx or \
                       info.get("queue", {}).get("id") != q:
                        errors.append(f"{k}/{r}: lease {q} shows as {info}")
                    else:
                        made.append((k, r))
                ns = namespaces[(k + r) % len(namespaces)]
                ip(f"link set {guest} netns {ns.name}")
                if r % 3 == 0:
                    ip(f"link del {guest}", ns=ns)
                else:
                    ip(f"link del {host}")
        except Exception as e:  # pylint: disable=broad-except
            errors.append(f"{k}: {e!r}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(threads_n)]
    for t in threads:
        t.start()
    # Meanwhile, bounce the physical device.
    for _ in range(rounds):
        cmd(f"ip link set {n.ifname} down", fail=False)
        cmd(f"ip link set {n.ifname} up", fail=False)
    for t in threads:
        t.join()
    ksft_eq(errors, [])
    ksft_eq(len(made), threads_n * rounds)
    rxqs = [q for q in NetdevFamily().queue_get({"ifindex": n.ifindex}, dump=True)
            if q["type"] == "rx"]
    ksft_eq(len(rxqs), 8)
    ksft_eq([q for q in rxqs if q.get("lease")], [])
    left = [l["ifname"] for l in ip("link show type netkit", json=True)]
    for ns in namespaces:
        left += [l["ifname"] for l in ip("link show type netkit", json=True, ns=ns)]
    ksft_eq(left, [])


def test_delete_phys_with_many_leases() -> None:
    dev, n = nsim(queues=8)
    ns = NetNS()
    defer(ns.__del__)
    names = []
    for k in range(3):
        ip(f"link add nm{k} type netkit peer name np{k} numrxqueues 4")
        names.append(f"nm{k}")
        pidx = ip(f"link show np{k}", json=True)[0]["ifindex"]
        lease(pidx, n.ifindex, 1 + 2 * k)
        lease(pidx, n.ifindex, 2 + 2 * k)
        ip(f"link set np{k} netns {ns.name}")
    dev.remove()
    for k in range(3):
        ksft_ne(cmd(f"ip link show nm{k}", fail=False).ret, 0)
        ksft_ne(cmd(f"ip -n {ns.name} link show np{k}", fail=False).ret, 0)


def nk_queue(idx, queue):
    """netkit's rx queue, or None if it is not a real one."""
    try:
        return NetdevFamily().queue_get({"ifindex": idx, "id": queue, "type": "rx"})
    except NlError:
        return None


def test_lease_alloc_failures() -> None:
    """The n-th slab allocation of a queue-create leasing netdevsim's queue 1
    into a single device fails (fail-nth), for n = 1, 2, ... until one runs
    with no failure left to inject. A queue-create that failed leaves the
    netkit without a queue 1 and netdevsim's queue 1 unleased (ENOBUFS, a
    reply that could not be allocated, may have leased: the device is made
    anew); one failure is netkit's "cannot create more queues" (the new
    queue's sysfs kobject); the last one leases queue 1 as netkit's 1."""
    fnth = FailNth()
    _, n = nsim()
    idx = single()
    req = {"ifindex": idx, "type": "rx",
           "lease": {"ifindex": n.ifindex, "queue": {"id": 1, "type": "rx"}}}
    nl = NetdevFamily()
    fails = {}
    for k in range(1, 1000):
        got, err, msg, left = fnth.run(k, lambda: nl.queue_create(req)["id"])
        if err:
            fails[k] = (err, msg)
        if got is not None:
            ksft_eq(got, 1, comment=k)
            ksft_eq((phys_lease(n.ifindex, 1) or {}).get("ifindex"), idx, comment=k)
            if left:
                break
            ip("link del nks")
            idx = single()
            req["ifindex"] = idx
            continue
        if fails[k][0] == errno.ENOBUFS:
            nl = NetdevFamily()
            ip("link del nks")
            idx = single()
            req["ifindex"] = idx
            continue
        ksft_eq(nk_queue(idx, 1), None, comment=(k, fails[k]))
        ksft_true("lease" not in NetdevFamily().queue_get(
            {"ifindex": n.ifindex, "id": 1, "type": "rx"}), comment=(k, fails[k]))
    ksft_ne(left, 0, comment=k)
    msg = "netkit cannot create more queues err=-12"
    ksft_true(any(m == msg for _, m in fails.values()), comment=fails)


def main() -> None:
    ksft_run([test_xsk_copy_mode, test_xsk_zc_unleased_queue,
              test_xsk_zc_pair_refused, test_xsk_zc_leased_queue_no_phys_support,
              test_xdp_native_refused, test_queue_limit, test_unlease_on_delete,
              test_concurrent_moves_and_deletes, test_delete_phys_with_many_leases,
              test_lease_alloc_failures])
    ksft_exit()


if __name__ == "__main__":
    main()
