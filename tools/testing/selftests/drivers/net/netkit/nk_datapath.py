#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit datapath and BPF attach through libbpf (nk_bpf): forwarding in L2
and L3, default policies, stats, scrubbing across namespaces, the packet
type of an L2 frame, mprog attach/detach/query ordering and errnos,
bpf_link create/update/detach, fdinfo and link info, program verdicts
(pass, drop, next, redirect; a redirect skips the target's netfilter egress
hook), bpf_fib_lookup() from a program."""

import contextlib
import ctypes
import errno
import json
import os
import re
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_ge,
                        ksft_true, ksft_busy_wait, KsftSkipEx, NetNS,
                        NetNSEnter, Netlink, RtnlFamily, cmd, defer, ip)
from nk_fault import failslab_on

TOOLS = Path(os.environ.get("NK_TOOLS", "/nk/cache/nk-tools"))
NK_BPF = TOOLS / "nk_bpf"
PIN = Path("/sys/fs/bpf/nk_test")
# Payload prefix of the datagrams udp_send() and packet_send() send, to find
# them in a capture.
MARK = b"nk-selftest-udp-"
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
SOL_PACKET = 263
PACKET_QDISC_BYPASS = 20


def nk_bpf(args, fail=True):
    return cmd(f"{NK_BPF} {args}", fail=fail)


def nk_err(args):
    """Runs an nk_bpf call that must fail; returns its errno."""
    r = nk_bpf(args, fail=False)
    ksft_ne(r.ret, 0, comment=args)
    m = re.search(r"errno (\d+)", r.stdout)
    return int(m.group(1)) if m else None


def load(redirect_ifindex=None):
    if not NK_BPF.exists():
        raise KsftSkipEx(f"{NK_BPF} not built (tools/nk/tools.sh)")
    cmd(f"rm -rf {PIN}")
    PIN.mkdir(parents=True)
    defer(cmd, f"rm -rf {PIN}")
    extra = f" {redirect_ifindex}" if redirect_ifindex else ""
    nk_bpf(f"load {TOOLS}/nk_progs.bpf.o {PIN}{extra}")


def counters():
    return json.loads(nk_bpf(f"counters {PIN}").stdout)


def query(dev, side):
    return json.loads(nk_bpf(f"query {dev} {side}").stdout)


def prog_id(name):
    out = cmd(f"bpftool -j prog show pinned {PIN}/{name}").stdout
    return json.loads(out)["id"]


def no_ipv6(dev, ns=None):
    """No IPv6 on dev: no router solicitations or MLD reports to count."""
    cmd(f"sysctl -qw net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns)


def pod(mode="l3", args="", peer_args=""):
    """A netkit pair: nk0 in the host, nk1 in a new namespace, addressed,
    IPv4 only (so the counters see only the tests' own packets)."""
    ns = NetNS()
    defer(ns.__del__)
    ip(f"link add nk0 type netkit mode {mode} {args} peer name nk1 {peer_args}")
    defer(cmd, "ip link del nk0", fail=False)
    ip(f"link set nk1 netns {ns.name}")
    no_ipv6("nk0")
    no_ipv6("nk1", ns)
    ip("addr add 10.11.0.1/24 dev nk0")
    ip("link set nk0 up")
    ip("addr add 10.11.0.2/24 dev nk1", ns=ns)
    ip("link set nk1 up", ns=ns)
    ip("link set lo up", ns=ns)
    return ns


def ping(ns=None, count=2):
    pre = f"ip netns exec {ns.name} " if ns else ""
    dst = "10.11.0.1" if ns else "10.11.0.2"
    return cmd(f"{pre}ping -c {count} -W 1 -i 0.2 {dst}", fail=False).ret == 0


def stats(dev, ns=None):
    return ip(f"-s link show dev {dev}", json=True, ns=ns)[0]["stats64"]


def operstate(dev, ns=None):
    return ip(f"link show dev {dev}", json=True, ns=ns)[0]["operstate"]


def snap(dev, ns=None):
    """The counters of dev the cases compare: packets, bytes, tx_dropped."""
    s = stats(dev, ns)
    return {"tx": s["tx"]["packets"], "tx_bytes": s["tx"]["bytes"],
            "rx": s["rx"]["packets"], "rx_bytes": s["rx"]["bytes"],
            "tx_dropped": s["tx"]["dropped"]}


def delta(before, dev, ns=None):
    after = snap(dev, ns)
    return {k: after[k] - before[k] for k in after}


def udp_send(n, ns=None):
    """Sends n UDP datagrams (payload MARK + i) across the pair: from the
    host to 10.11.0.2, or from ns to 10.11.0.1. A send the device drops may
    fail locally (ENOBUFS); each datagram is sent once."""
    ctx = NetNSEnter(str(ns)) if ns else contextlib.nullcontext()
    dst = "10.11.0.1" if ns else "10.11.0.2"
    with ctx, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(n):
            try:
                s.sendto(MARK + bytes([i]), (dst, 9))
            except OSError:
                pass


def mac(dev, ns=None):
    return bytes.fromhex(ip(f"link show dev {dev}", json=True, ns=ns)[0]["address"]
                         .replace(":", ""))


def ipv4_udp_frame(dst_mac, src_mac, payload, saddr="10.11.0.1",
                   daddr="10.11.0.2", dport=9):
    """An Ethernet frame with an IPv4 UDP datagram (no UDP checksum)."""
    udp = struct.pack("!HHHH", 40000, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64,
                      socket.IPPROTO_UDP, 0, socket.inet_aton(saddr),
                      socket.inet_aton(daddr))
    csum = sum(struct.unpack("!10H", hdr))
    while csum >> 16:
        csum = (csum & 0xffff) + (csum >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~csum & 0xffff) + hdr[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + hdr + udp


def packet_send(n, ns, bypass=False, dst=None):
    """Sends n UDP datagrams (payload MARK + i) from the host to 10.11.0.2
    as Ethernet frames written by an AF_PACKET socket on nk0, to nk1's
    address or dst; with bypass, the socket sets PACKET_QDISC_BYPASS
    (dev_direct_xmit(), not dev_queue_xmit()). Each frame is sent once."""
    dst, src = dst or mac("nk1", ns), mac("nk0")
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP)) as s:
        if bypass:
            s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
        s.bind(("nk0", ETH_P_IP))
        for i in range(n):
            s.send(ipv4_udp_frame(dst, src, MARK + bytes([i])))


class UdpSink:
    """Counts the datagrams carrying MARK that a UDP socket bound to
    10.11.0.2 port 9 in ns receives."""

    def __init__(self, ns):
        with NetNSEnter(str(ns)):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("10.11.0.2", 9))
        self.sock.setblocking(False)
        defer(self.sock.close)

    def count(self, want, deadline=2):
        """Datagrams received since the last call: waits up to deadline s
        for want of them, then 0.2 s more for any beyond."""
        seen, end, extra = 0, time.monotonic() + deadline, None
        while True:
            try:
                if MARK in self.sock.recv(65535):
                    seen += 1
                continue
            except BlockingIOError:
                pass
            now = time.monotonic()
            if seen >= want and extra is None:
                extra = now + 0.2
            if now >= (extra or end):
                return seen
            time.sleep(0.01)


class Capture:
    """Counts the frames carrying MARK that dev (in ns) receives."""

    def __init__(self, dev, ns):
        with NetNSEnter(str(ns)) if ns else contextlib.nullcontext():
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                      socket.htons(ETH_P_ALL))
            self.sock.bind((dev, ETH_P_ALL))
        self.sock.setblocking(False)
        self.seen = 0
        defer(self.sock.close)

    def _drain(self):
        while True:
            try:
                frame, addr = self.sock.recvfrom(65535)
            except BlockingIOError:
                return
            if addr[2] != socket.PACKET_OUTGOING and MARK in frame:
                self.seen += 1

    def count(self, want, deadline=2):
        """Frames seen so far: waits up to deadline s for want of them,
        then 0.2 s more for any beyond."""
        end = time.monotonic() + deadline
        self._drain()
        while self.seen < want and time.monotonic() < end:
            time.sleep(0.01)
            self._drain()
        time.sleep(0.2)
        self._drain()
        return self.seen


def test_forward_l3() -> None:
    ns = pod("l3")
    ksft_true(ping())
    ksft_true(ping(ns))


def test_forward_l2() -> None:
    ns = pod("l2")
    ksft_true(ping())
    ksft_true(ping(ns))


def test_stats() -> None:
    """Three pings from the host: nk0 counts exactly 3 packets and 294
    bytes (98-byte frames) sent and received, nk1 the same the other way,
    no drops."""
    ns = pod()
    b0, b1 = snap("nk0"), snap("nk1", ns)
    ksft_true(ping(count=3))
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    ksft_eq(d0, {"tx": 3, "tx_bytes": 3 * 98, "rx": 3, "rx_bytes": 3 * 98,
                 "tx_dropped": 0})
    ksft_eq(d1, d0)


def test_blackhole_policy() -> None:
    """Primary blackhole: 5 datagrams from the host raise nk0's tx_dropped
    by exactly 5, nk0 sends nothing and nk1 receives nothing; ping fails.
    Forward again: ping works. Peer blackhole: 5 datagrams from the pod raise
    nk1's tx_dropped by 5 and nk0 receives nothing; host pings get no
    reply. Peer forward again: ping works."""
    ns = pod(args="blackhole")
    b0, b1 = snap("nk0"), snap("nk1", ns)
    udp_send(5)
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    ksft_eq(d0["tx_dropped"], 5)
    ksft_eq(d0["tx"], 0)
    ksft_eq(d1["rx"], 0)
    ksft_true(not ping())
    ip("link set nk0 type netkit forward")
    ksft_true(ping())
    ip("link set nk0 type netkit peer blackhole")
    b0, b1 = snap("nk0"), snap("nk1", ns)
    udp_send(5, ns)
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    ksft_eq(d1["tx_dropped"], 5)
    ksft_eq(d1["tx"], 0)
    ksft_eq(d0["rx"], 0)
    ksft_eq(d0["tx_dropped"], 0)
    ksft_true(not ping())
    ip("link set nk0 type netkit peer forward")
    ksft_true(ping())


def test_peer_down_drops() -> None:
    """Setting nk1 down takes nk0's carrier (NO-CARRIER, operstate DOWN:
    its iflink is in another namespace): 5 datagrams from the host are not
    sent by nk0 (tx +0) but counted in its tx_dropped (+5), and nk1
    receives none; ping fails. nk1 up again: nk0's operstate is UP and ping works."""
    ns = pod()
    ip("link set nk1 down", ns=ns)
    ksft_busy_wait(lambda: operstate("nk0") != "UP", deadline=5)
    ksft_eq(operstate("nk0"), "DOWN")
    ksft_true("NO-CARRIER" in ip("link show nk0", json=True)[0]["flags"])
    b0, b1 = snap("nk0"), snap("nk1", ns)
    udp_send(5)
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    ksft_eq(d0["tx"], 0)
    ksft_eq(d0["tx_dropped"], 5)
    ksft_eq(d1["rx"], 0)
    ksft_true(not ping())
    ip("link set nk1 up", ns=ns)
    ksft_busy_wait(lambda: operstate("nk0") == "UP", deadline=5)
    ksft_true(ping())


def test_prog_attach_errors() -> None:
    ns = pod()
    load()
    p = f"{PIN}/nk_pass"
    ksft_eq(nk_err(f"attach nk0 primary {p} revision 7"), errno.ESTALE)
    ip("link add dummy9 type dummy")
    defer(cmd, "ip link del dummy9", fail=False)
    ksft_eq(nk_err(f"attach dummy9 primary {p}"), errno.ENXIO)
    ksft_eq(nk_err(f"attach 99999 primary {p}"), errno.ENODEV)
    # Only through the primary device.
    ip("link add nkp type netkit peer name nkq")
    defer(cmd, "ip link del nkp", fail=False)
    ksft_eq(nk_err(f"attach nkq primary {p}"), errno.EACCES)
    ksft_eq(nk_err(f"attach nkq peer {p}"), errno.EACCES)
    ksft_eq(nk_err(f"detach nk0 primary {p}"), errno.ENOENT)


def test_single_attach_refused() -> None:
    RtnlFamily().newlink({"ifname": "nks",
                          "linkinfo": {"kind": "netkit", "data": {"pairing": "single"}}},
                         flags=[Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL])
    defer(cmd, "ip link del nks", fail=False)
    load()
    ksft_eq(nk_err(f"attach nks primary {PIN}/nk_pass"), errno.EOPNOTSUPP)


def test_single_xmit_drops() -> None:
    """A single device has no peer: 5 datagrams routed out of it are each
    dropped by its transmit and counted in its tx_dropped (+5, tx +0)."""
    RtnlFamily().newlink({"ifname": "nks",
                          "linkinfo": {"kind": "netkit", "data": {"pairing": "single"}}},
                         flags=[Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL])
    defer(cmd, "ip link del nks", fail=False)
    no_ipv6("nks")
    ip("addr add 10.13.0.1/24 dev nks")
    ip("link set nks up")
    before = snap("nks")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(5):
            s.sendto(MARK + bytes([i]), ("10.13.0.2", 9))
    d = delta(before, "nks")
    ksft_eq((d["tx"], d["tx_dropped"]), (0, 5))


def test_mprog_order() -> None:
    """mprog attach with before/after, EEXIST for a program attached twice,
    replace with the right revision (revision + 1), query order; pings pass
    through next, count_ipv4 (and never reach drop); with next and drop
    only, ping fails and 5 datagrams are counted by nk_drop and in nk0's
    tx_dropped (5 each), none sent; all detached: ping works."""
    _ = pod()
    load()
    ids = {n: prog_id(n) for n in ("nk_pass", "nk_next", "nk_count_ipv4", "nk_drop")}
    nk_bpf(f"attach nk0 primary {PIN}/nk_pass")
    nk_bpf(f"attach nk0 primary {PIN}/nk_next before {PIN}/nk_pass")
    nk_bpf(f"attach nk0 primary {PIN}/nk_count_ipv4 after {PIN}/nk_next")
    q = query("nk0", "primary")
    ksft_eq(q["prog_ids"], [ids["nk_next"], ids["nk_count_ipv4"], ids["nk_pass"]])
    rev = q["revision"]
    ksft_eq(nk_err(f"attach nk0 primary {PIN}/nk_pass"), errno.EEXIST)
    nk_bpf(f"attach nk0 primary {PIN}/nk_drop replace {PIN}/nk_pass revision {rev}")
    q = query("nk0", "primary")
    ksft_eq(q["prog_ids"], [ids["nk_next"], ids["nk_count_ipv4"], ids["nk_drop"]])
    ksft_eq(q["revision"], rev + 1)
    # next, then count_ipv4 passes IPv4: drop never runs for pings.
    ksft_true(ping())
    c = counters()
    ksft_ge(c["next"], 2)
    ksft_ge(c["pass"], 2)
    ksft_eq(c["drop"], 0)
    nk_bpf(f"detach nk0 primary {PIN}/nk_count_ipv4")
    ksft_true(not ping())
    # next, then drop: each datagram is dropped by nk_drop, counted in
    # nk0's tx_dropped.
    drops, b0 = counters()["drop"], snap("nk0")
    udp_send(5)
    d0 = delta(b0, "nk0")
    ksft_eq(counters()["drop"] - drops, 5)
    ksft_eq(d0["tx_dropped"], 5)
    ksft_eq(d0["tx"], 0)
    nk_bpf(f"detach nk0 primary {PIN}/nk_next")
    nk_bpf(f"detach nk0 primary {PIN}/nk_drop")
    ksft_eq(query("nk0", "primary")["prog_ids"], [])
    ksft_true(ping())


def test_peer_attach() -> None:
    """A program attached through nk0 for the peer side shows in the peer
    query only and runs on nk1's transmit: nk_drop_ipv4 makes both pings
    fail and drops 5 datagrams from the pod (its counter and nk1's
    tx_dropped +5, nk0 receives none); detached, ping works."""
    ns = pod()
    load()
    nk_bpf(f"attach nk0 peer {PIN}/nk_drop_ipv4")
    ksft_eq(query("nk0", "peer")["prog_ids"], [prog_id("nk_drop_ipv4")])
    ksft_eq(query("nk0", "primary")["prog_ids"], [])
    # Runs on the pod's transmit: pings from the host get no reply, and
    # each datagram from the pod is dropped on nk1.
    ksft_true(not ping())
    ksft_true(not ping(ns))
    drops, b0, b1 = counters()["drop"], snap("nk0"), snap("nk1", ns)
    udp_send(5, ns)
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    ksft_eq(counters()["drop"] - drops, 5)
    ksft_eq(d1["tx_dropped"], 5)
    ksft_eq(d1["tx"], 0)
    ksft_eq(d0["rx"], 0)
    nk_bpf(f"detach nk0 peer {PIN}/nk_drop_ipv4")
    ksft_true(ping())


# __NR_bpf and BPF_OBJ_GET.
NR_BPF = {"x86_64": 321, "aarch64": 280}
BPF_OBJ_GET = 7


def link_fdinfo(pin):
    """/proc/self/fdinfo of the bpf_link pinned at pin."""
    libc = ctypes.CDLL(None, use_errno=True)
    path = ctypes.create_string_buffer(str(pin).encode())
    attr = ctypes.create_string_buffer(struct.pack("QIIi4x", ctypes.addressof(path), 0, 0, 0))
    fd = libc.syscall(NR_BPF[os.uname().machine], BPF_OBJ_GET, attr, len(attr.raw))
    if fd < 0:
        raise OSError(ctypes.get_errno(), f"BPF_OBJ_GET {pin}")
    try:
        return Path(f"/proc/self/fdinfo/{fd}").read_text()
    finally:
        os.close(fd)


def test_links() -> None:
    """bpf_link on both sides: link ids in query, programs run (pass counted
    for both directions), bpftool and the links' fdinfo show one netkit link
    per side with the right ifindex, EBUSY detaching a link's program, link-update to
    nk_drop_ipv4 makes ping fail and drops 5 datagrams from the pod (its
    counter and nk1's tx_dropped +5), link-detach restores ping, ENOLINK
    updating a detached link, and deleting the device leaves the primary
    link with ifindex 0."""
    ns = pod()
    load()
    nk_bpf(f"link nk0 peer {PIN}/nk_count_ipv4 {PIN}/l_peer")
    nk_bpf(f"link nk0 primary {PIN}/nk_pass {PIN}/l_prim")
    q = query("nk0", "peer")
    ksft_eq(len(q["link_ids"]), 1)
    ksft_ne(q["link_ids"][0], 0)
    ksft_true(ping(count=3))
    ksft_ge(counters()["pass"], 3 + 3)
    # fdinfo and link info name the target device and side.
    links = json.loads(cmd("bpftool -j link show").stdout)
    nkl = [l for l in links if l.get("type") == "netkit"]
    ksft_eq(len(nkl), 2)
    idx0 = ip("link show nk0", json=True)[0]["ifindex"]
    idx1 = ip("link show nk1", json=True, ns=ns)[0]["ifindex"]
    byside = {l["attach_type"]: l for l in nkl}
    ksft_eq(byside["netkit_primary"]["ifindex"], idx0)
    ksft_eq(byside["netkit_peer"]["ifindex"], idx1)
    for pin, idx, side in (("l_prim", idx0, "primary"), ("l_peer", idx1, "peer")):
        info = link_fdinfo(PIN / pin)
        ksft_true(f"ifindex:\t{idx}\n" in info, comment=info)
        ksft_true(re.search(rf"^attach_type:\t\d+ \({side}\)$", info, re.M), comment=info)
    # A link's program cannot be detached as a plain program.
    ksft_eq(nk_err(f"detach nk0 peer {PIN}/nk_count_ipv4"), errno.EBUSY)
    # Update in place, then detach.
    nk_bpf(f"link-update {PIN}/l_peer {PIN}/nk_drop_ipv4")
    ksft_true(not ping())
    drops, b1 = counters()["drop"], snap("nk1", ns)
    udp_send(5, ns)
    ksft_eq(counters()["drop"] - drops, 5)
    ksft_eq(delta(b1, "nk1", ns)["tx_dropped"], 5)
    nk_bpf(f"link-detach {PIN}/l_peer")
    ksft_true(ping())
    ksft_eq(nk_err(f"link-update {PIN}/l_peer {PIN}/nk_pass"), errno.ENOLINK)
    # Deleting the device detaches the remaining link.
    ip("link del nk0")
    links = json.loads(cmd("bpftool -j link show").stdout)
    prim = [l for l in links if l.get("type") == "netkit" and l["attach_type"] == "netkit_primary"]
    ksft_eq(prim[0]["ifindex"], 0)


def redirect_target(ns):
    """nk2 (peer nk3), a second L3 pair in ns, both up, IPv4 only; returns
    nk2's ifindex."""
    ip("link add nk2 type netkit peer name nk3", ns=ns)
    defer(cmd, "ip link del nk2", ns=ns, fail=False)
    for dev in ("nk2", "nk3"):
        no_ipv6(dev, ns)
        ip(f"link set {dev} up", ns=ns)
    return ip("link show nk2", json=True, ns=ns)[0]["ifindex"]


def test_redirect() -> None:
    """nk_redirect on nk0's primary side redirects to the egress of nk2, a
    second pair's primary in the peer's namespace (the program runs with the
    skb already on nk1, so the ifindex is looked up there). 5 datagrams from
    the host: the program counts 5, nk0 counts 5 sent and no drop, nk1
    receives none, nk2 sends 5 and nk3 receives 5, all 5 seen on nk3."""
    ns = pod()
    tns = ns  # the target pair's namespace
    load(redirect_ifindex=redirect_target(tns))
    nk_bpf(f"attach nk0 primary {PIN}/nk_redirect")
    cap = Capture("nk3", tns)
    b0, b1 = snap("nk0"), snap("nk1", ns)
    b2, b3 = snap("nk2", tns), snap("nk3", tns)
    udp_send(5)
    ksft_eq(cap.count(5), 5)
    ksft_eq(counters()["redirect"], 5)
    d0 = delta(b0, "nk0")
    ksft_eq(d0["tx"], 5)
    ksft_eq(d0["tx_dropped"], 0)
    ksft_eq(delta(b1, "nk1", ns)["rx"], 0)
    d2, d3 = delta(b2, "nk2", tns), delta(b3, "nk3", tns)
    ksft_eq(d2["tx"], 5)
    ksft_eq(d2["tx_dropped"], 0)
    ksft_eq(d3["rx"], 5)
    ksft_eq(d3["rx_bytes"], d0["tx_bytes"])


def nft_egress_count(ns):
    """Packets the nk_t egress chain on nk2 in ns has counted."""
    out = json.loads(cmd("nft -j list chain netdev nk_t eg", ns=ns).stdout)
    for obj in out["nftables"]:
        for expr in obj.get("rule", {}).get("expr", []):
            if "counter" in expr:
                return expr["counter"]["packets"]
    raise AssertionError(f"no counter in {out}")


def test_redirect_nf_egress() -> None:
    """A frame a program on netkit redirects to another device's egress
    skips that device's netfilter egress hook: with an nft netdev egress
    chain counting on nk2, 3 frames an AF_PACKET socket sends on nk2 count
    3; 5 datagrams nk_redirect on nk0 sends to nk2 reach nk3 and count
    none."""
    ns = pod()
    load(redirect_ifindex=redirect_target(ns))
    cmd("nft add table netdev nk_t", ns=ns)
    defer(cmd, "nft delete table netdev nk_t", ns=ns, fail=False)
    cmd("nft add chain netdev nk_t eg { type filter hook egress device nk2 "
        "priority 0; }", ns=ns)
    cmd("nft add rule netdev nk_t eg counter", ns=ns)
    with NetNSEnter(str(ns)), socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                            socket.htons(ETH_P_IP)) as s:
        s.bind(("nk2", ETH_P_IP))
        for _ in range(3):
            s.send(ipv4_udp_frame(bytes(6), bytes(6), b"nk-selftest-ctl"))
    ksft_eq(nft_egress_count(ns), 3)
    nk_bpf(f"attach nk0 primary {PIN}/nk_redirect")
    cap = Capture("nk3", ns)
    udp_send(5)
    ksft_eq(cap.count(5), 5)
    ksft_eq(counters()["redirect"], 5)
    ksft_eq(nft_egress_count(ns), 3)


def test_fib_lookup_rcu() -> None:
    """nk_fib_lookup on nk0's primary side calls bpf_fib_lookup() (through
    the FIB rules, and directly in the main table) for each IPv4 packet and
    passes it. For 5 datagrams from a UDP socket, 5 written to nk0 by an
    AF_PACKET socket and 5 by one with PACKET_QDISC_BYPASS: the program
    counts 5 packets and 10 lookups that got past the forwarding check into
    the FIB, and a UDP socket on 10.11.0.2 in the namespace receives the 5."""
    # bpf_fib_lookup() rcu_dereference()s (the in_device, the FIB rules and
    # trie), so netkit must run the programs inside rcu_read_lock(), as C's
    # netkit_xmit() does: AF_PACKET senders reach ndo_start_xmit with only
    # rcu_read_lock_bh() (dev_queue_xmit()) or only BH disabled
    # (dev_direct_xmit()); UDP through the stack holds ip_finish_output2()'s
    # rcu_read_lock(). What catches a missing rcu_read_lock() is the
    # harness: on a PROVE_RCU kernel (KDEBUG=1) it shows as "suspicious RCU
    # usage" in dmesg, which fails the run (dmesg-check.sh, vm.dmesg_clean).
    # The counters below only show that the helper ran.
    ns = pod()
    # Forwarding on the device the program sees (nk1), or the lookup stops
    # at the in_device check and never reaches the FIB.
    cmd("sysctl -qw net.ipv4.conf.nk1.forwarding=1", ns=ns)
    load()
    nk_bpf(f"attach nk0 primary {PIN}/nk_fib_lookup")
    sink = UdpSink(ns)
    senders = (("udp", lambda: udp_send(5)),
               ("af_packet", lambda: packet_send(5, ns)),
               ("af_packet_bypass", lambda: packet_send(5, ns, bypass=True)))
    for name, send in senders:
        before = counters()
        send()
        ksft_eq(sink.count(5), 5, comment=f"{name}: received")
        c = counters()
        ksft_eq(c["fib"] - before["fib"], 5, comment=f"{name}: packets")
        ksft_eq(c["fib_fwd"] - before["fib_fwd"], 10,
                comment=f"{name}: lookups into the FIB")


TRACEFS = Path("/sys/kernel/tracing")
# netkit.c's entry points: the core's and BPF's callbacks.
C_NAMES = ("netkit_init", "netkit_uninit", "netkit_open", "netkit_close",
           "netkit_xmit", "netkit_set_multicast", "netkit_set_headroom",
           "netkit_set_macaddr", "netkit_get_iflink", "netkit_peer_dev",
           "netkit_get_stats", "netkit_xsk", "netkit_xsk_wakeup",
           "netkit_get_drvinfo", "netkit_queue_create", "netkit_alloc",
           "netkit_setup", "netkit_new_link", "netkit_del_link",
           "netkit_change_link", "netkit_get_link_net", "netkit_get_size",
           "netkit_fill_info", "netkit_validate", "netkit_prog_attach",
           "netkit_prog_detach", "netkit_prog_query", "netkit_link_attach")


def test_trace_names() -> None:
    """Tracing by netkit.c's names: each of its entry points is a text
    symbol in kallsyms, and the kfree_skb tracepoint (dropwatch, perf)
    locates each blackhole drop in netkit_xmit."""
    syms = set(re.findall(r"^[0-9a-f]+ [tT] (netkit_\w+)$",
                          Path("/proc/kallsyms").read_text(), re.M))
    ksft_eq(sorted(set(C_NAMES) - syms), [])
    if not (TRACEFS / "instances").exists():
        cmd(f"mount -t tracefs nodev {TRACEFS}")
        defer(cmd, f"umount {TRACEFS}")
    inst = TRACEFS / "instances" / "nk_names"
    inst.mkdir()
    defer(inst.rmdir)
    enable = inst / "events" / "skb" / "kfree_skb" / "enable"
    enable.write_text("1")
    defer(enable.write_text, "0")
    pod(args="blackhole")
    udp_send(3)
    (inst / "tracing_on").write_text("0")
    drops = re.findall(r"kfree_skb: .*protocol=2048 location=(\w+)\+",
                       (inst / "trace").read_text())
    ksft_eq(drops, ["netkit_xmit"] * 3)


def test_backlog_drop() -> None:
    """A frame the peer's backlog refuses is counted once in nk0's
    tx_dropped and nowhere else: netdev_max_backlog 0 and nk1's RPS on the
    other CPU make the backlog refuse frames pktgen sends on nk0 (L2, to
    another host's MAC: nk1's stack drops them without a reply).
    pktgen sends until the count went through: nk0 tx == count == nk1 rx,
    and nk0's tx_dropped equals the drops pktgen saw returned (some)."""
    if os.cpu_count() < 2:
        raise KsftSkipEx("needs 2 CPUs")
    ns = pod(mode="l2")
    pg = Path("/proc/net/pktgen")
    if not pg.exists():
        raise KsftSkipEx("no /proc/net/pktgen (CONFIG_NET_PKTGEN)")
    sysctl = Path("/proc/sys/net/core/netdev_max_backlog")
    old = sysctl.read_text()
    cmd(f"ip netns exec {ns.name} sh -c 'echo 2 > /sys/class/net/nk1/queues/rx-0/rps_cpus'",
        shell=True)
    (pg / "kpktgend_0").write_text("rem_device_all")
    (pg / "kpktgend_0").write_text("add_device nk0")
    defer((pg / "kpktgend_0").write_text, "rem_device_all")
    count = 20000
    for c in (f"count {count}", "clone_skb 0", "pkt_size 64", "delay 0",
              "dst 10.11.0.2", "dst_mac 02:00:00:00:00:01", "udp_dst_min 9",
              "udp_dst_max 9"):
        (pg / "nk0").write_text(c)
    b0, b1 = snap("nk0"), snap("nk1", ns)
    sysctl.write_text("0")
    try:
        (pg / "pgctrl").write_text("start")
    finally:
        sysctl.write_text(old)
    d0, d1 = delta(b0, "nk0"), delta(b1, "nk1", ns)
    result = (pg / "nk0").read_text()
    errors = int(re.search(r"errors: (\d+)", result).group(1))
    ksft_eq(d0["tx"], count, comment=d0)
    ksft_eq(d1["rx"], count, comment=d1)
    ksft_eq(d0["tx_dropped"], errors, comment=(d0, result))
    ksft_ge(errors, 1, comment=result)


SO_TXTIME = 61


def txtime_send(n, ns):
    """Sends n UDP datagrams to 10.11.0.2 as Ethernet frames from an
    AF_PACKET socket on nk0, each with an SO_TXTIME transmit time on
    CLOCK_REALTIME: skb->tstamp set, its type realtime (0), which
    skb_clear_tstamp() clears. A frame the device drops fails to send
    (ENOBUFS)."""
    dst, src = mac("nk1", ns), mac("nk0")
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP)) as s:
        s.setsockopt(socket.SOL_SOCKET, SO_TXTIME, struct.pack("iI", time.CLOCK_REALTIME, 0))
        s.bind(("nk0", ETH_P_IP))
        t = struct.pack("Q", time.time_ns() + 10**9)
        for i in range(n):
            try:
                s.sendmsg([ipv4_udp_frame(dst, src, MARK + bytes([i]))],
                          [(socket.SOL_SOCKET, SO_TXTIME, t)])
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise


def test_xnet_tstamp() -> None:
    """A transmit time (skb->tstamp) crosses an L2 pair whose sides share a
    namespace, and is cleared when they do not: nk_drop_tstamp on nk0
    drops 4 frames sent with SO_TXTIME while nk1 is in the host, and
    passes 4 once nk1 is in another namespace, which receives them."""
    ip("link add nk0 type netkit mode l2 peer name nk1")
    defer(cmd, "ip link del nk0", fail=False)
    for dev in ("nk0", "nk1"):
        no_ipv6(dev)
        ip(f"link set {dev} up")
    load()
    nk_bpf(f"attach nk0 primary {PIN}/nk_drop_tstamp")
    c = counters()
    txtime_send(4, None)
    after = counters()
    ksft_eq((after["drop"] - c["drop"], after["pass"] - c["pass"]), (4, 0))
    ns = NetNS()
    defer(ns.__del__)
    ip(f"link set nk1 netns {ns.name}")
    ip("link set nk1 up", ns=ns)
    cap = Capture("nk1", ns)
    c = counters()
    txtime_send(4, ns)
    after = counters()
    ksft_eq((after["drop"] - c["drop"], after["pass"] - c["pass"]), (0, 4))
    ksft_eq(cap.count(4), 4)


def test_l2_pkt_type() -> None:
    """L2: nk1 receives a frame to another unicast address as
    PACKET_OTHERHOST, which IPv4 drops: of 4 datagrams sent on nk0 to
    02:00:00:00:00:01, nk1 sees 4 and the pod's socket receives none; of 4
    sent to nk1's address it receives 4."""
    ns = pod(mode="l2")
    sink = UdpSink(ns)
    cap = Capture("nk1", ns)
    packet_send(4, ns, dst=bytes.fromhex("020000000001"))
    ksft_eq(cap.count(4), 4)
    ksft_eq(sink.count(0), 0)
    packet_send(4, ns)
    ksft_eq(sink.count(4), 4)


def test_attach_replace_fd() -> None:
    """BPF_F_REPLACE with a replace fd that is not open fails with EBADF, with
    one that is not a BPF program (stdin) with EINVAL; nothing is attached."""
    _ = pod()
    load()
    p = f"{PIN}/nk_pass"
    ksft_eq(nk_err(f"attach nk0 primary {p} replace_fd 999"), errno.EBADF)
    ksft_eq(nk_err(f"attach nk0 primary {p} replace_fd 0"), errno.EINVAL)
    ksft_eq(query("nk0", "primary")["prog_ids"], [])


def prog_exists(pid):
    return cmd(f"bpftool prog show id {pid}", fail=False).ret == 0


def test_link_errors() -> None:
    """bpf_link create with a stale expected revision fails with ESTALE, and
    with no fd left for the link (RLIMIT_NOFILE) with EMFILE; neither leaves
    a link or program. link-update naming an old program the link does not
    run fails with EPERM; naming the program it runs as the new one succeeds
    and changes nothing (revision, program, ping). Once unpinned, the
    programs are freed."""
    _ = pod()
    load()
    ids = {n: prog_id(n) for n in ("nk_pass", "nk_next", "nk_drop")}
    link = f"link nk0 primary {PIN}/nk_pass {PIN}/l0"
    q0 = query("nk0", "primary")
    ksft_eq(nk_err(f"{link} revision 9"), errno.ESTALE)
    ksft_eq(nk_err(f"{link} nofile"), errno.EMFILE)
    ksft_eq(query("nk0", "primary"), q0)
    ksft_eq(q0["prog_ids"], [])
    links = json.loads(cmd("bpftool -j link show").stdout)
    ksft_eq([l for l in links if l.get("type") == "netkit"], [])
    nk_bpf(link)
    rev = query("nk0", "primary")["revision"]
    ksft_eq(nk_err(f"link-update {PIN}/l0 {PIN}/nk_drop {PIN}/nk_next"), errno.EPERM)
    nk_bpf(f"link-update {PIN}/l0 {PIN}/nk_pass {PIN}/nk_pass")
    nk_bpf(f"link-update {PIN}/l0 {PIN}/nk_pass")
    q = query("nk0", "primary")
    ksft_eq((q["revision"], q["prog_ids"]), (rev, [ids["nk_pass"]]))
    ksft_true(ping())
    cmd(f"rm -rf {PIN}")
    ksft_busy_wait(lambda: not any(prog_exists(i) for i in ids.values()), deadline=10)
    ksft_eq(query("nk0", "primary")["prog_ids"], [])


def test_link_alloc_failures() -> None:
    """The n-th slab allocation of a bpf_link create fails (fail-nth), for
    n = 1, 2, ... until one runs with no failure left to inject: a create
    that failed returns ENOMEM and leaves no link, program or pin; the last
    one succeeds with the program attached; at least one failed."""
    _ = pod()
    load()
    failslab_on()
    errs = {}
    for n in range(1, 200):
        r = nk_bpf(f"link nk0 primary {PIN}/nk_pass {PIN}/l0 failnth {n}", fail=False)
        left = int(re.search(r"failnth_left (\d+)", r.stdout).group(1))
        q = query("nk0", "primary")
        if r.ret:
            errs[n] = int(re.search(r"errno (\d+)", r.stdout).group(1))
            ksft_eq((q["prog_ids"], q["link_ids"]), ([], []), comment=(n, r.stdout))
            ksft_true(not (PIN / "l0").exists(), comment=n)
            continue
        ksft_eq(q["prog_ids"], [prog_id("nk_pass")], comment=n)
        (PIN / "l0").unlink()
        ksft_busy_wait(lambda: query("nk0", "primary")["prog_ids"] == [], deadline=5)
        if left:
            break
    ksft_ne(left, 0, comment=n)
    ksft_ge(len(errs), 1)
    ksft_eq(set(errs.values()), {errno.ENOMEM}, comment=errs)


def main() -> None:
    ksft_run([test_forward_l3, test_forward_l2, test_stats,
              test_blackhole_policy, test_peer_down_drops,
              test_prog_attach_errors, test_single_attach_refused,
              test_single_xmit_drops, test_mprog_order, test_peer_attach,
              test_links, test_redirect, test_redirect_nf_egress,
              test_fib_lookup_rcu, test_trace_names, test_backlog_drop,
              test_attach_replace_fd, test_link_errors,
              test_link_alloc_failures, test_xnet_tstamp,
              test_l2_pkt_type])
    ksft_exit()


if __name__ == "__main__":
    main()
