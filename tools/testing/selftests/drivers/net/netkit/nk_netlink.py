#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit rtnetlink: every IFLA_NETKIT_* attribute, the newlink and
changelink rules, their errnos and extack messages, queue limits, MAC rules,
carrier, drvinfo, netns moves and deletion."""

import errno
import gzip
import re
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_ge,
                        ksft_in, ksft_raises, ksft_true, ksft_busy_wait,
                        EthtoolFamily, NetNS, NetNSEnter, NlError,
                        Netlink, RtnlFamily, cmd, defer, ip)
from nk_fault import FailNth

CREATE = [Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL]


def nk_info(name, ns=None):
    """IFLA_NETKIT_* of a device as the kernel reports them."""
    if ns:
        with NetNSEnter(str(ns)):
            return RtnlFamily().getlink({"ifname": name})["linkinfo"]["data"]
    return RtnlFamily().getlink({"ifname": name})["linkinfo"]["data"]


def link(name, ns=None):
    return ip(f"-d link show dev {name}", json=True, ns=ns)[0]


def add_pair(args="", peer="", a="nka", b="nkb"):
    ip(f"link add {a} type netkit {args} peer name {b} {peer}")
    defer(cmd, f"ip link del {a}", fail=False)
    return a, b


def newlink_err(msg, data, extra=None):
    """A newlink that must fail; returns the NlError."""
    req = {"ifname": "nkx", "linkinfo": {"kind": "netkit", "data": data}}
    req.update(extra or {})
    with ksft_raises(NlError) as e:
        RtnlFamily().newlink(req, flags=CREATE)
    cmd("ip link del nkx", fail=False)
    return e.exception.nl_msg


def changelink(name, data):
    RtnlFamily().newlink({"ifname": name, "linkinfo": {"kind": "netkit", "data": data}})


def changelink_err(name, data):
    with ksft_raises(NlError) as e:
        changelink(name, data)
    return e.exception.nl_msg


def extack(msg):
    return (msg.extack or {}).get("msg")


def test_defaults() -> None:
    a, b = add_pair()
    ia, ib = nk_info(a), nk_info(b)
    ksft_eq(ia["mode"], "l3")
    ksft_eq(ia["policy"], "forward")
    ksft_eq(ia["peer-policy"], "forward")
    ksft_eq(ia["scrub"], "default")
    ksft_eq(ia["peer-scrub"], "default")
    ksft_eq(ia["pairing"], "pair")
    ksft_eq(ia["primary"], 1)
    ksft_eq(ib["primary"], 0)
    ksft_eq(ia["headroom"], 0)
    ksft_eq(ia["tailroom"], 0)
    la = link(a)
    ksft_in("NOARP", la["flags"])
    ksft_eq(la["link_type"], "ether")
    ksft_eq(la["max_mtu"], 65535)
    ksft_eq(la["num_tx_queues"], 1)
    ksft_eq(la["num_rx_queues"], 1)


def test_enum_name() -> None:
    RtnlFamily().newlink({"linkinfo": {"kind": "netkit"}}, flags=CREATE)
    names = [l["ifname"] for l in ip("-d link show type netkit", json=True)]
    for n in names:
        defer(cmd, f"ip link del {n}", fail=False)
    ksft_eq(len(names), 2)
    ksft_true(all(n.startswith("nk") for n in names))


def test_attrs_roundtrip() -> None:
    # iproute2 6.15 knows no headroom/tailroom: ynl, with a kernel-named peer.
    RtnlFamily().newlink({"ifname": "nka", "linkinfo": {"kind": "netkit", "data": {
        "mode": "l2", "policy": "blackhole", "scrub": "none", "peer-policy": "forward",
        "peer-scrub": "default", "headroom": 64, "tailroom": 16}}}, flags=CREATE)
    defer(cmd, "ip link del nka", fail=False)
    a = "nka"
    b = link(a)["link"]  # iproute2 names a same-namespace iflink
    ia, ib = nk_info(a), nk_info(b)
    ksft_eq(ia["mode"], "l2")
    ksft_eq(ia["policy"], "blackhole")
    ksft_eq(ia["peer-policy"], "forward")
    ksft_eq(ia["scrub"], "none")
    ksft_eq(ia["peer-scrub"], "default")
    ksft_eq(ia["headroom"], 64)
    ksft_eq(ia["tailroom"], 16)
    ksft_eq(ib["policy"], "forward")
    ksft_eq(ib["peer-policy"], "blackhole")
    ksft_eq(ib["scrub"], "default")
    ksft_eq(ib["headroom"], 64)
    ksft_eq(ib["tailroom"], 16)
    # L2 clears IFF_NOARP and picks random unicast MACs.
    la, lb = link(a), link(b)
    ksft_true("NOARP" not in la["flags"])
    ksft_ne(la["address"], lb["address"])
    ksft_eq(int(la["address"].split(":")[0], 16) & 1, 0)


def test_single_mode() -> None:
    RtnlFamily().newlink({"ifname": "nks", "num-rx-queues": 4,
                          "linkinfo": {"kind": "netkit",
                                       "data": {"pairing": "single", "mode": "l2"}}},
                         flags=CREATE)
    defer(cmd, "ip link del nks", fail=False)
    i = nk_info("nks")
    ksft_eq(i["pairing"], "single")
    ksft_eq(i["primary"], 1)
    ksft_true("scrub" not in i)
    ksft_true("peer-policy" not in i)
    ksft_eq(link("nks")["num_rx_queues"], 4)
    ip("link set nks up")
    ksft_in("LOWER_UP", link("nks")["flags"])


def test_single_rejects() -> None:
    base = {"pairing": "single"}
    for extra in ({"peer-policy": "forward"}, {"peer-scrub": "none"},
                  {"scrub": "none"}, {"policy": "blackhole"}):
        msg = newlink_err("single", dict(base, **extra))
        ksft_eq(msg.error, -errno.EOPNOTSUPP, comment=str(extra))


# Not policies: an unused value, NETKIT_REDIRECT and NETKIT_NEXT (-1 as u32),
# actions only a program returns.
BAD_POLICIES = (1, 7, 0xFFFFFFFF)


def test_bad_policy() -> None:
    """A policy other than forward or blackhole (1, redirect or next), as
    policy or peer-policy, fails a newlink and a changelink of the primary
    with EINVAL and the extack C gives; the changelink leaves both policies
    as they were."""
    for attr in ("policy", "peer-policy"):
        for val in BAD_POLICIES:
            msg = newlink_err("policy", {attr: val})
            ksft_eq(msg.error, -errno.EINVAL, comment=f"{attr} {val}")
            ksft_eq(extack(msg), "Provided default xmit policy not supported")
    a, _ = add_pair()
    for attr in ("policy", "peer-policy"):
        for val in BAD_POLICIES:
            msg = changelink_err(a, {attr: val})
            ksft_eq(msg.error, -errno.EINVAL, comment=f"{attr} {val}")
            ksft_eq(extack(msg), "Provided default xmit policy not supported")
    info = nk_info(a)
    ksft_eq((info["policy"], info["peer-policy"]), ("forward", "forward"))


def test_policy_max() -> None:
    for attr, val in (("mode", 2), ("scrub", 2), ("peer-scrub", 2), ("pairing", 2)):
        msg = newlink_err(attr, {attr: val})
        ksft_eq(msg.error, -errno.ERANGE, comment=attr)


def test_primary_readonly() -> None:
    msg = newlink_err("primary", {"primary": 1})
    ksft_eq(msg.error, -errno.EINVAL)
    ksft_eq(extack(msg), "Primary attribute is read-only")


def test_address_rules() -> None:
    # IFLA_ADDRESS only in L2.
    msg = newlink_err("l3 address", {"mode": "l3"}, {"address": "02:00:00:00:00:01"})
    ksft_eq(msg.error, -errno.EOPNOTSUPP)
    # validate: multicast addresses are refused.
    msg = newlink_err("mcast", {"mode": "l2"}, {"address": "01:00:00:00:00:01"})
    ksft_eq(msg.error, -errno.EADDRNOTAVAIL)
    ip("link add nkm address 02:00:00:00:00:01 type netkit mode l2 peer name nkn")
    defer(cmd, "ip link del nkm", fail=False)
    ksft_eq(link("nkm")["address"], "02:00:00:00:00:01")
    # ndo_set_mac_address: L2 only.
    ip("link set nkm address 02:00:00:00:00:02")
    ksft_eq(link("nkm")["address"], "02:00:00:00:00:02")
    a, _ = add_pair("mode l3", a="nkl3", b="nkl3p")
    r = cmd(f"ip link set {a} address 02:00:00:00:00:03", fail=False)
    ksft_ne(r.ret, 0)
    ksft_in("Operation not supported", r.stderr)


def test_changelink_fixed() -> None:
    a, _ = add_pair()
    for attr, val, name in (("mode", "l2", "operating mode"),
                            ("scrub", "none", "scrubbing"),
                            ("peer-scrub", "none", "peer scrubbing"),
                            ("headroom", 32, "headroom"),
                            ("tailroom", 32, "tailroom"),
                            ("pairing", "single", "pairing")):
        msg = changelink_err(a, {attr: val})
        ksft_eq(msg.error, -errno.EACCES, comment=attr)
        ksft_eq(extack(msg), f"netkit link {name} cannot be changed after device creation")


def test_changelink_policy() -> None:
    a, b = add_pair()
    ip(f"link set {a} type netkit blackhole")
    ksft_eq(nk_info(a)["policy"], "blackhole")
    changelink(a, {"peer-policy": "blackhole"})
    ksft_eq(nk_info(b)["policy"], "blackhole")
    ksft_eq(nk_info(a)["peer-policy"], "blackhole")
    changelink(a, {"policy": "forward", "peer-policy": "forward"})
    ksft_eq(nk_info(a)["policy"], "forward")
    ksft_eq(nk_info(b)["policy"], "forward")
    msg = changelink_err(a, {"policy": 7})
    ksft_eq(msg.error, -errno.EINVAL)
    ksft_eq(extack(msg), "Provided default xmit policy not supported")


def test_changelink_peer_refused() -> None:
    _, b = add_pair()
    msg = changelink_err(b, {"policy": "blackhole"})
    ksft_eq(msg.error, -errno.EACCES)
    ksft_eq(extack(msg), "netkit link settings can be changed only through the primary device")


def test_changelink_single() -> None:
    RtnlFamily().newlink({"ifname": "nks", "linkinfo": {"kind": "netkit",
                                                        "data": {"pairing": "single"}}},
                         flags=CREATE)
    defer(cmd, "ip link del nks", fail=False)
    ksft_eq(changelink_err("nks", {"policy": "blackhole"}).error, -errno.EOPNOTSUPP)
    ksft_eq(changelink_err("nks", {"peer-policy": "blackhole"}).error, -errno.EOPNOTSUPP)


def test_queue_limits() -> None:
    """1024 rx queues per side are accepted; 1025 rx queues (either side)
    and 2 tx queues are refused with EOPNOTSUPP; ethtool -L and -l are
    refused with EOPNOTSUPP (no channel ops), exit status 1 and exactly
    "netlink error: Operation not supported"."""
    ip("link add nkq numrxqueues 1024 type netkit peer name nkqp numrxqueues 1024")
    defer(cmd, "ip link del nkq", fail=False)
    ksft_eq(link("nkq")["num_rx_queues"], 1024)
    ksft_eq(link("nkqp")["num_rx_queues"], 1024)
    for spec in ("numrxqueues 1025 type netkit", "numtxqueues 2 type netkit",
                 "type netkit peer name nkz numrxqueues 1025"):
        r = cmd(f"ip link add nkz {spec}", fail=False)
        cmd("ip link del nkz", fail=False)
        ksft_ne(r.ret, 0, comment=spec)
        ksft_in("Operation not supported", r.stderr, comment=spec)
    # ethtool -L cannot change the rx queue count, nor -l show it.
    for args in ("-L nkq rx 2", "-L nkq combined 2", "-l nkq"):
        r = cmd(f"ethtool {args}", fail=False)
        ksft_eq(r.ret, 1, comment=args)
        ksft_eq(r.stderr, "netlink error: Operation not supported\n", comment=args)
    for op, req in (("channels_get", {"header": {"dev-name": "nkq"}}),
                    ("channels_set", {"header": {"dev-name": "nkq"}, "rx-count": 2})):
        with ksft_raises(NlError) as e:
            getattr(EthtoolFamily(), op)(req)
        ksft_eq(e.exception.nl_msg.error, -errno.EOPNOTSUPP, comment=op)


def test_carrier() -> None:
    a, b = add_pair()
    ip(f"link set {a} up")
    ksft_in("NO-CARRIER", link(a)["flags"])
    ip(f"link set {b} up")
    ksft_in("LOWER_UP", link(a)["flags"])
    ksft_in("LOWER_UP", link(b)["flags"])
    ip(f"link set {b} down")
    ksft_in("NO-CARRIER", link(a)["flags"])


def test_drvinfo() -> None:
    a, _ = add_pair()
    out = cmd(f"ethtool -i {a}").stdout
    ksft_in("driver: netkit", out)


def test_netns_move() -> None:
    with NetNS() as ns:
        a, b = add_pair()
        ia, ib = link(a)["ifindex"], link(b)["ifindex"]
        ip(f"link set {b} netns {ns.name}")
        la = link(a)
        ksft_eq(la["link_index"], ib)
        ksft_in("link_netnsid", la)
        lb = link(b, ns=ns)
        ksft_eq(lb["link_index"], ia)
        ksft_eq(nk_info(b, ns=ns)["primary"], 0)
        # Peer created directly in another namespace.
        ip(f"link add nkc type netkit peer name nkd netns {ns.name}")
        defer(cmd, "ip link del nkc", fail=False)
        ksft_eq(link("nkd", ns=ns)["link_index"], link("nkc")["ifindex"])


def test_delete_either_side() -> None:
    a, b = add_pair()
    ip(f"link del {b}")
    ksft_ne(cmd(f"ip link show {a}", fail=False).ret, 0)
    a, b = add_pair()
    ip(f"link del {a}")
    ksft_ne(cmd(f"ip link show {b}", fail=False).ret, 0)


def test_delete_netns() -> None:
    with NetNS() as ns:
        a, b = add_pair()
        ip(f"link set {b} netns {ns.name}")
    # The peer's namespace went away (cleanup_net runs async), taking both.
    ksft_busy_wait(lambda: cmd(f"ip link show {a}", fail=False).ret != 0, deadline=5)
    ksft_ne(cmd(f"ip link show {a}", fail=False).ret, 0)


def dellink_names(run):
    """The names in the RTM_DELLINK notifications `run()` causes, in order."""
    names = []
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.bind((0, 1))  # RTMGRP_LINK
        run()
        s.settimeout(1)
        while True:
            try:
                buf = s.recv(1 << 16)
            except TimeoutError:
                return names
            off = 0
            while off + 16 <= len(buf):
                ln, typ = struct.unpack_from("IH", buf, off)
                a = off + 32  # nlmsghdr, ifinfomsg
                while typ == 17 and a + 4 <= off + ln:  # RTM_DELLINK
                    alen, atyp = struct.unpack_from("HH", buf, a)
                    if atyp == 3:  # IFLA_IFNAME
                        names.append(buf[a + 4:a + alen].rstrip(b"\0").decode())
                    a += (alen + 3) & ~3
                off += (ln + 3) & ~3


def test_group_delete_order() -> None:
    """`ip link del group` of a pair and a dummy between its ends in the
    device list (nkb, nkd, nka): RTM_DELLINK comes in netkit.c's order,
    nkb, nkd, nka (nka's own dellink moves it behind nkd)."""
    with NetNS() as ns:
        a, b = add_pair()
        ip("link add nkd type dummy")
        defer(cmd, "ip link del nkd", fail=False)
        ip(f"link set {a} netns {ns.name}")
        ip(f"link set {a} netns 1", ns=ns)
        for d in (b, "nkd", a):
            ip(f"link set {d} group 77")
        ksft_eq(dellink_names(lambda: ip("link del group 77")), [b, "nkd", a])


# Largest IFLA_NETKIT_HEADROOM: S16_MAX keeps LL_RESERVED_SPACE() and the
# headers after it within the u16 skb header offsets.
HEADROOM_MAX = 32767


def headroom_child(headroom):
    """In a user and net namespace of its own: an L2 pair with `headroom`,
    both ends up for the IPv6 ND packets of DAD; prints the newlink errno."""
    try:
        RtnlFamily().newlink({"ifname": "nkh0", "linkinfo": {"kind": "netkit", "data": {
            "mode": "l2", "headroom": headroom}}}, flags=CREATE)
    except NlError as e:
        print(f"errno {-e.nl_msg.error} {extack(e.nl_msg)}")
        return
    for dev in ip("link show type netkit", json=True):
        ip(f"link set {dev['ifname']} up")
    time.sleep(3)
    print("errno 0")


def test_headroom_bound() -> None:
    """The reproducer of a crash both drivers had: IFLA_NETKIT_HEADROOM above
    HEADROOM_MAX (65535 crashed on the first ND packet, also from an
    unprivileged user namespace) fails with ERANGE and the policy's extack;
    an L2 pair with HEADROOM_MAX carries IPv6 (ND, pings up to the MTU) both
    ways."""
    child = (f"setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn "
             f"python3 {Path(__file__).resolve()} --headroom-child")
    ksft_eq(cmd(f"{child} 65535").stdout.strip(), "errno 34 integer out of range")
    for headroom in (HEADROOM_MAX + 1, 65506):
        msg = newlink_err("headroom", {"mode": "l2", "headroom": headroom})
        ksft_eq(msg.error, -errno.ERANGE, comment=headroom)
        ksft_eq(extack(msg), "integer out of range", comment=headroom)
    with NetNS() as ns:
        RtnlFamily().newlink({"ifname": "nka", "linkinfo": {"kind": "netkit", "data": {
            "mode": "l2", "headroom": HEADROOM_MAX}}}, flags=CREATE)
        defer(cmd, "ip link del nka", fail=False)
        b = link("nka")["link"]
        ksft_eq(nk_info(b)["headroom"], HEADROOM_MAX)
        ip(f"link set {b} netns {ns.name}")
        ip("addr add fd00:5::1/64 dev nka")
        ip(f"addr add fd00:5::2/64 dev {b}", ns=ns)
        ip("link set nka up")
        ip(f"link set {b} up", ns=ns)
        cmd("ping -6 -c 2 -W 5 fd00:5::2")
        cmd("ping -6 -c 2 -W 5 -s 1400 fd00:5::2")
        cmd("ping -6 -c 2 -W 5 -s 1400 fd00:5::1", ns=ns)


def test_peer_ifindex() -> None:
    ip("link add nki index 4000 type netkit peer name nkj index 4001")
    defer(cmd, "ip link del nki", fail=False)
    ksft_eq(link("nki")["ifindex"], 4000)
    ksft_eq(link("nkj")["ifindex"], 4001)


def test_peer_register_fails() -> None:
    """A newlink whose peer cannot be registered fails with the core's errno
    and no extack, and leaves no device: peer named like an existing device
    (EEXIST), peer ifindex in use while the primary's is given (EBUSY)."""
    for args, err in (("peer name lo", "File exists"),
                      ("index 4010 type netkit peer name nkc index 1", "Device or resource busy")):
        args = args if args.startswith("index") else f"type netkit {args}"
        r = cmd(f"ip link add nkx {args}", fail=False)
        defer(cmd, "ip link del nkx", fail=False)
        ksft_ne(r.ret, 0, comment=args)
        ksft_eq(r.stderr.strip(), f"RTNETLINK answers: {err}", comment=args)
        ksft_eq(ip("link show type netkit", json=True), [], comment=args)
        ksft_eq(cmd("ip link show nkc", fail=False).ret, 1, comment=args)


def test_bridge_headroom() -> None:
    """A bridge sets its ports' rx headroom (ndo_set_rx_headroom): nka (L2,
    headroom 16, as its peer) joins a bridge whose gretap port needs H > 16,
    then nka and its peer both need H; nka leaves: its own headroom resets
    to NET_SKB_PAD, the larger of the two sides, so both need NET_SKB_PAD.
    A single device (L2, headroom 16) needs H in the bridge and NET_SKB_PAD
    after it."""
    RtnlFamily().newlink({"ifname": "nka", "linkinfo": {"kind": "netkit", "data": {
        "mode": "l2", "headroom": 16}}}, flags=CREATE)
    defer(cmd, "ip link del nka", fail=False)
    b = link("nka")["link"]
    ip("link add nkbr0 type bridge")
    defer(cmd, "ip link del nkbr0", fail=False)
    ip("link add nkgt0 type gretap local 10.99.0.1 remote 10.99.0.2")
    defer(cmd, "ip link del nkgt0", fail=False)
    ip("link set nkgt0 master nkbr0")
    h = RtnlFamily().getlink({"ifname": "nkbr0"})["headroom"]
    ksft_true(h > 16, comment=h)
    ip("link set nka master nkbr0")
    ksft_eq((nk_info("nka")["headroom"], nk_info(b)["headroom"]), (h, h))
    ip("link set nka nomaster")
    with gzip.open("/proc/config.gz", "rt") as f:
        shift = re.search(r"^CONFIG_X86_L1_CACHE_SHIFT=(\d+)$", f.read(), re.M)
    pad = max(32, 1 << int(shift.group(1) if shift else 6))
    ksft_eq((nk_info("nka")["headroom"], nk_info(b)["headroom"]), (pad, pad))
    RtnlFamily().newlink({"ifname": "nks", "linkinfo": {"kind": "netkit", "data": {
        "mode": "l2", "pairing": "single", "headroom": 16}}}, flags=CREATE)
    defer(cmd, "ip link del nks", fail=False)
    ip("link set nks master nkbr0")
    ksft_eq(nk_info("nks")["headroom"], h)
    ip("link set nks nomaster")
    ksft_eq(nk_info("nks")["headroom"], pad)


def test_newlink_alloc_failures() -> None:
    """The n-th slab allocation of this task fails (fail-nth), for n = 1, 2,
    ... until a newlink of an L2 pair (nkfa and nk%d) runs with no failure
    left to inject. A newlink that fails with ENOMEM (or EINVAL, which
    register_netdevice returns when the kobject name cannot be allocated)
    leaves no netkit device; one whose reply could not be allocated
    (ENOBUFS: the outcome is unknown to the caller) leaves none or both; one
    that succeeded despite the failure made both. The last one succeeds; at
    least one failed."""
    fnth = FailNth()
    req = {"ifname": "nkfa", "linkinfo": {"kind": "netkit", "data": {"mode": "l2"}}}
    errs = {}
    rtnl = RtnlFamily()
    for n in range(1, 2000):
        _, err, _, left = fnth.run(n, lambda: rtnl.newlink(req, flags=CREATE))
        devs = len(ip("link show type netkit", json=True))
        if err:
            errs[n] = err
            ok = (0, 2) if err == errno.ENOBUFS else (0,)
            ksft_in(devs, ok, comment=(n, err))
            if err == errno.ENOBUFS:
                rtnl = RtnlFamily()
        else:
            ksft_eq(devs, 2, comment=n)
        if devs:
            cmd("ip link del nkfa")
        if left:
            break
    ksft_ne(left, 0, comment=n)
    ksft_eq(errs.get(n), None, comment=n)
    ksft_ge(len(errs), 1)
    ksft_eq(set(errs.values()) - {errno.ENOMEM, errno.ENOBUFS, errno.EINVAL}, set(),
            comment=errs)


def main() -> None:
    if sys.argv[1:2] == ["--headroom-child"]:
        headroom_child(int(sys.argv[2]))
        return
    ksft_run([test_defaults, test_enum_name, test_attrs_roundtrip,
              test_single_mode, test_single_rejects, test_bad_policy,
              test_policy_max, test_primary_readonly, test_address_rules,
              test_changelink_fixed, test_changelink_policy,
              test_changelink_peer_refused, test_changelink_single,
              test_queue_limits, test_carrier, test_drvinfo, test_netns_move,
              test_delete_either_side, test_delete_netns, test_peer_ifindex,
              test_headroom_bound, test_group_delete_order,
              test_peer_register_fails, test_bridge_headroom,
              test_newlink_alloc_failures])
    ksft_exit()


if __name__ == "__main__":
    main()
