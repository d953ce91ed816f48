#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit queue leasing beyond nk_qlease.py: the AF_XDP proxy (zero-copy
binds go to the leased physical queue; no driver here, netdevsim included,
implements AF_XDP zero-copy, so the refusal paths and copy mode are tested),
the rx queue limit, and lease/unlease under concurrent namespace moves and
deletions."""

import ctypes
import errno
import mmap
import socket
import struct
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne,
                        ksft_true, NetdevFamily, NetdevSimDev, NetNS, Netlink, NlError, RtnlFamily, cmd, defer,
                        ip)

AF_XDP = 44
SOL_XDP = 283
XDP_RX_RING = 2
XDP_UMEM_REG = 4
XDP_UMEM_FILL_RING = 5
XDP_UMEM_COMPLETION_RING = 6
XDP_COPY = 1 << 1
XDP_ZEROCOPY = 1 << 2
CREATE = [Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL]

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
    idx = single()
    ksft_eq(xsk_bind(idx, 0, XDP_COPY), 0)


def test_xsk_zc_unleased_queue() -> None:
    # Single devices advertise AF_XDP zero-copy, but only leased queues
    # have a physical queue to forward to.
    idx = single()
    ksft_eq(xsk_bind(idx, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP)


def test_xsk_zc_pair_refused() -> None:
    ip("link add nkx type netkit peer name nky")
    defer(cmd, "ip link del nkx", fail=False)
    idx = ip("link show nkx", json=True)[0]["ifindex"]
    ksft_eq(xsk_bind(idx, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP)


def test_xsk_zc_leased_queue_no_phys_support() -> None:
    _, n = nsim()
    idx = single()
    q = lease(idx, n.ifindex, 2)
    ksft_eq(q, 1)
    # netdevsim has no AF_XDP zero-copy: the proxy refuses.
    ksft_eq(xsk_bind(idx, q, XDP_ZEROCOPY), errno.EOPNOTSUPP)
    # Copy mode works on the leased queue too.
    ksft_eq(xsk_bind(idx, q, XDP_COPY), 0)


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


def test_unlease_on_delete() -> None:
    _, n = nsim()
    idx = single()
    lease(idx, n.ifindex, 1)
    lease(idx, n.ifindex, 3)
    ip("link del nks")
    for q in (1, 3):
        info = NetdevFamily().queue_get({"ifindex": n.ifindex, "id": q, "type": "rx"})
        ksft_true("lease" not in info)
    # The queues can be leased again.
    idx = single(name="nkt")
    ksft_eq(lease(idx, n.ifindex, 1), 1)


def test_concurrent_moves_and_deletes() -> None:
    """Leases while other threads move peers between namespaces and delete
    namespaces and netkits; every lease must be gone at the end."""
    _, n = nsim(queues=8)
    rounds = 12
    errors = []
    namespaces = [NetNS() for _ in range(3)]
    for ns in namespaces:
        defer(ns.__del__)

    def worker(k):
        try:
            for r in range(rounds):
                host, guest = f"nh{k}", f"ng{k}"
                ip(f"link add {host} type netkit peer name {guest} numrxqueues 2")
                gidx = ip(f"link show {guest}", json=True)[0]["ifindex"]
                try:
                    lease(gidx, n.ifindex, 1 + k * 2 + (r % 2))
                except NlError:
                    pass  # the queue may still be leased by a racing round
                ns = namespaces[(k + r) % len(namespaces)]
                cmd(f"ip link set {guest} netns {ns.name}", fail=False)
                if r % 3 == 0:
                    cmd(f"ip -n {ns.name} link del {guest}", fail=False)
                else:
                    cmd(f"ip link del {host}", fail=False)
        except Exception as e:  # pylint: disable=broad-except
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    # Meanwhile, bounce the physical device.
    for _ in range(rounds):
        cmd(f"ip link set {n.ifname} down", fail=False)
        cmd(f"ip link set {n.ifname} up", fail=False)
    for t in threads:
        t.join()
    ksft_eq(errors, [])
    leased = [q for q in NetdevFamily().queue_get({"ifindex": n.ifindex}, dump=True)
              if q.get("lease")]
    ksft_eq(leased, [])
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


def main() -> None:
    ksft_run([test_xsk_copy_mode, test_xsk_zc_unleased_queue,
              test_xsk_zc_pair_refused, test_xsk_zc_leased_queue_no_phys_support,
              test_queue_limit, test_unlease_on_delete,
              test_concurrent_moves_and_deletes, test_delete_phys_with_many_leases])
    ksft_exit()


if __name__ == "__main__":
    main()
