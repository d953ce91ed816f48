#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""Cilium's pod datapath on netkit, as a scenario: a host netns with an uplink
veth to a remote netns, two pod netns on netkit pairs created the way Cilium
creates them (L3 and L2 variants), Cilium-like programs on the primary, the
peer and the uplink's tcx ingress attached as pinned bpf_links at the tail.
Traffic is TCP and UDP; every case checks the netkit packet counters of each
hop and the programs' counters (nk_progs.bpf.c, cil_*)."""

import errno
import json
import os
import random
import re
import socket
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_gt,
                        ksft_variants, KsftSkipEx, NetNS, NetNSEnter, Netlink,
                        RtnlFamily, cmd, defer, ip)

TOOLS = Path(os.environ.get("NK_TOOLS", "/nk/cache/nk-tools"))
NK_BPF = TOOLS / "nk_bpf"
PIN = Path("/sys/fs/bpf/nk_cilium")

HOST_IP = "10.0.0.1"        # the router address, on cilium_host
UPLINK_IP = "10.0.9.1"      # host end of the uplink
REMOTE_IP = "10.0.9.2"      # the remote end (another node, the world)
MTU = 1450
BIG = 196608                # gso/gro (ipv4) max size, BIG TCP
HEADROOM = 64
TAILROOM = 32
UDP_N = 8                   # datagrams each way per UDP exchange

IFLA_ADDRESS, IFLA_IFNAME, IFLA_TXQLEN = 1, 3, 13


def nk_bpf(args, ns=None, fail=True):
    pre = f"nsenter --net=/run/netns/{ns.name} " if ns else ""
    return cmd(f"{pre}{NK_BPF} {args}", fail=fail)


def nk_errno(args, ns=None):
    """Runs an nk_bpf call that must fail; returns its errno."""
    r = nk_bpf(args, ns=ns, fail=False)
    ksft_ne(r.ret, 0, comment=args)
    m = re.search(r"errno (\d+)", r.stdout)
    return int(m.group(1)) if m else None


def sysctl(ns, *settings):
    for s in settings:
        cmd(f"ip netns exec {ns.name} sysctl -qw {s}")


def random_mac():
    b = [random.randrange(256) for _ in range(6)]
    b[0] = (b[0] | 0x02) & 0xfe        # locally administered unicast
    return ":".join(f"{x:02x}" for x in b)


def rta(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)


def peer_info(name, mac=None):
    """IFLA_NETKIT_PEER_INFO: an ifinfomsg and the peer's link attributes."""
    b = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    b += rta(IFLA_IFNAME, name.encode() + b"\0")
    b += rta(IFLA_TXQLEN, struct.pack("=I", 1000))
    if mac:
        b += rta(IFLA_ADDRESS, bytes.fromhex(mac.replace(":", "")))
    return b


def link_info(pin):
    """bpftool's view of a pinned link. `link show pinned` returns -1 unless
    errno happens to be ENOENT when it ends: only its output counts."""
    return json.loads(cmd(f"bpftool -j link show pinned {pin}", fail=False).stdout)


def link(dev, ns):
    return ip(f"-d -s link show dev {dev}", json=True, ns=ns)[0]


class Pod:
    def __init__(self, tag, addr):
        self.tag, self.ip = tag, addr
        self.lxc, self.tmp = f"lxc{tag}", f"tmp{tag}"
        self.pin = PIN / f"ep_{tag}"
        self.ns = None
        self.ifindex = None
        self.mac = self.node_mac = None


class Node:
    """The host netns, its uplink and remote netns, and pods A and B."""

    def __init__(self, mode, programs=True):
        if not NK_BPF.exists():
            raise KsftSkipEx(f"{NK_BPF} not built (tools/nk/tools.sh)")
        self.mode = mode
        self.host = self._netns()
        self.remote = self._netns()
        cmd(f"rm -rf {PIN}")
        PIN.mkdir(parents=True)
        defer(cmd, f"rm -rf {PIN}")
        sysctl(self.host, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
               "net.ipv4.conf.default.rp_filter=0")
        ip("link set lo up", ns=self.host)
        ip("link add cilium_host type dummy", ns=self.host)
        ip(f"addr add {HOST_IP}/32 dev cilium_host", ns=self.host)
        ip("link set cilium_host up", ns=self.host)
        ip(f"link add uplink type veth peer name eth0 netns {self.remote.name}", ns=self.host)
        ip(f"addr add {UPLINK_IP}/24 dev uplink", ns=self.host)
        ip("link set uplink up", ns=self.host)
        ip("link set lo up", ns=self.remote)
        ip(f"addr add {REMOTE_IP}/24 dev eth0", ns=self.remote)
        ip("link set eth0 up", ns=self.remote)
        ip(f"route add 10.0.0.0/16 via {UPLINK_IP}", ns=self.remote)
        self.a = self._endpoint(Pod("a", "10.0.1.10"))
        self.b = self._endpoint(Pod("b", "10.0.1.20"))
        (PIN / "host").mkdir()
        nk_bpf(f"load {TOOLS}/nk_progs.bpf.o {PIN}/host 0 {PIN}")
        for p in (self.a, self.b):
            p.pin.mkdir()
            nk_bpf(f"load {TOOLS}/nk_progs.bpf.o {p.pin} 0 {PIN}")
            nk_bpf(f"map-update {PIN}/endpoints {p.ip} {p.ifindex},{p.mac},{p.node_mac}")
        if programs:
            self.attach_uplink()
            for p in (self.a, self.b):
                self.attach(p)

    @staticmethod
    def _netns():
        ns = NetNS()
        defer(ns.__del__)
        sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        return ns

    def _endpoint(self, p):
        """Cilium's SetupNetkitWithNames, then the CNI's move into the pod."""
        h = self.host
        l2 = self.mode == "l2"
        mac, node_mac = (random_mac(), random_mac()) if l2 else (None, None)
        req = {"ifname": p.lxc, "txqlen": 1000,
               "linkinfo": {"kind": "netkit", "data": {
                   "mode": self.mode, "policy": "forward", "peer-policy": "blackhole",
                   "scrub": "none", "peer-scrub": "default",
                   "headroom": HEADROOM, "tailroom": TAILROOM,
                   "peer-info": peer_info(p.tmp, mac)}}}
        if l2:
            req["address"] = node_mac
        with NetNSEnter(h.name):
            rtnl = RtnlFamily()
        rtnl.newlink(req, flags=[Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL])
        sysctl(h, f"net.ipv4.conf.{p.lxc}.rp_filter=0")
        ip(f"link set dev {p.tmp} mtu {MTU}", ns=h)
        ip(f"link set dev {p.lxc} mtu {MTU}", ns=h)
        ip(f"link set dev {p.lxc} up", ns=h)
        for attr in ("gro_max_size", "gso_max_size", "gro_ipv4_max_size", "gso_ipv4_max_size"):
            ip(f"link set dev {p.lxc} {attr} {BIG}", ns=h)
            ip(f"link set dev {p.tmp} {attr} {BIG}", ns=h)
        p.ns = self._netns()
        ip(f"link set dev {p.tmp} netns {p.ns.name}", ns=h)
        ip(f"link set dev {p.tmp} name eth0", ns=p.ns)
        ip("link set lo up", ns=p.ns)
        ip("link set eth0 up", ns=p.ns)
        ip(f"addr add {p.ip}/32 dev eth0", ns=p.ns)
        ip(f"route add {HOST_IP} dev eth0 scope link", ns=p.ns)
        ip(f"route add default via {HOST_IP} dev eth0", ns=p.ns)
        ip(f"route add {p.ip}/32 dev {p.lxc}", ns=h)
        lxc, eth0 = link(p.lxc, h), link("eth0", p.ns)
        p.ifindex, p.node_mac, p.mac = lxc["ifindex"], lxc["address"], eth0["address"]
        if l2:
            ksft_eq((p.node_mac, p.mac), (node_mac, mac), comment="explicit MACs")
            ip(f"neigh add {HOST_IP} lladdr {p.node_mac} dev eth0 nud permanent", ns=p.ns)
            ip(f"neigh add {p.ip} lladdr {p.mac} dev {p.lxc} nud permanent", ns=h)
        return p

    def attach_uplink(self):
        nk_bpf(f"link uplink ingress {PIN}/host/cil_from_netdev {PIN}/host/from_netdev last",
               ns=self.host)

    def attach(self, p, primary=True, peer=True):
        """Cilium's attachNetkitProgram: a bpf_link at the tail, pinned."""
        if primary:
            nk_bpf(f"link {p.lxc} primary {p.pin}/cil_to_container {p.pin}/to_container last",
                   ns=self.host)
        if peer:
            nk_bpf(f"link {p.lxc} peer {p.pin}/cil_from_container {p.pin}/from_container last",
                   ns=self.host)

    def snap(self, pods=None):
        """Netkit packet counters and each object's counters."""
        s = {}
        for p in pods or (self.a, self.b):
            for dev, ns, side in ((p.lxc, self.host, "lxc"), ("eth0", p.ns, "eth0")):
                st = link(dev, ns)["stats64"]
                s[f"{p.tag}.{side}.rx"] = st["rx"]["packets"]
                s[f"{p.tag}.{side}.tx"] = st["tx"]["packets"]
                s[f"{p.tag}.{side}.tx_dropped"] = st["tx"]["dropped"]
            for k, v in json.loads(nk_bpf(f"counters {p.pin}").stdout).items():
                s[f"{p.tag}.{k}"] = v
        for k, v in json.loads(nk_bpf(f"counters {PIN}/host").stdout).items():
            s[f"host.{k}"] = v
        return s


def delta(before, after):
    return {k: after[k] - before[k] for k in after}


def expect(d, **want):
    """Every counter named in want moved by exactly that much (a.lxc.rx for
    a__lxc__rx); every other counter of d is left to the caller."""
    for k, v in want.items():
        ksft_eq(d[k.replace("__", ".")], v, comment=k.replace("__", "."))


def untouched(d, *prefixes):
    """Nothing counted on the hops starting with any of prefixes."""
    for k, v in d.items():
        if k.startswith(prefixes):
            ksft_eq(v, 0, comment=k)


def sock(ns, kind, mark=0):
    with NetNSEnter(ns.name):
        s = socket.socket(socket.AF_INET,
                          socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.settimeout(5)
    if mark:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
    return s


def tcp(cns, sns, saddr, port=8080, size=20000):
    """A TCP request of size bytes from cns to saddr (in sns), echoed back."""
    srv = sock(sns, "tcp")
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((saddr, port))
    srv.listen(1)
    cli = sock(cns, "tcp")
    data = os.urandom(size)
    try:
        cli.connect((saddr, port))
        cli.sendall(data)
        cli.shutdown(socket.SHUT_WR)
        conn, _ = srv.accept()
        conn.settimeout(5)
        got = b""
        while chunk := conn.recv(65536):
            got += chunk
        conn.sendall(got)
        conn.close()
        back = b""
        while chunk := cli.recv(65536):
            back += chunk
    finally:
        cli.close()
        srv.close()
    ksft_eq(back == data, True, comment="TCP echo")


def udp(cns, sns, saddr, port=8081, cmark=0):
    """UDP_N datagrams from cns to saddr (in sns), each echoed back."""
    srv = sock(sns, "udp")
    srv.bind((saddr, port))
    cli = sock(cns, "udp", mark=cmark)
    try:
        for i in range(UDP_N):
            cli.sendto(f"ping {i}".encode(), (saddr, port))
            msg, peer = srv.recvfrom(2048)
            srv.sendto(msg.replace(b"ping", b"pong"), peer)
            ksft_eq(cli.recv(2048), f"pong {i}".encode())
    finally:
        cli.close()
        srv.close()


VARIANTS = ["l3", "l2"]


@ksft_variants(VARIANTS)
def test_devices(mode) -> None:
    """Both ends carry the mode, policies, scrub, headroom/tailroom, txqueuelen,
    MTU and GSO/GRO sizes Cilium sets; L2 ends carry the explicit MACs."""
    n = Node(mode, programs=False)
    for p in (n.a, n.b):
        with NetNSEnter(n.host.name):
            prim = RtnlFamily().getlink({"ifname": p.lxc})
        with NetNSEnter(p.ns.name):
            peer = RtnlFamily().getlink({"ifname": "eth0"})
        for msg, want in ((prim, {"primary": 1, "policy": "forward", "peer-policy": "blackhole",
                                  "scrub": "none", "peer-scrub": "default"}),
                          (peer, {"primary": 0, "policy": "blackhole", "peer-policy": "forward",
                                  "scrub": "default", "peer-scrub": "none"})):
            data = msg["linkinfo"]["data"]
            for k, v in dict(want, mode=mode, headroom=HEADROOM, tailroom=TAILROOM).items():
                ksft_eq(data[k], v, comment=f"{msg['ifname']} {k}")
            for k, v in (("txqlen", 1000), ("mtu", MTU), ("gso-max-size", BIG),
                         ("gro-max-size", BIG), ("gso-ipv4-max-size", BIG),
                         ("gro-ipv4-max-size", BIG)):
                ksft_eq(msg[k], v, comment=f"{msg['ifname']} {k}")
        zero = "00:00:00:00:00:00"
        if mode == "l2":
            ksft_ne(p.mac, zero)
            ksft_ne(p.node_mac, zero)
        else:
            ksft_eq((p.mac, p.node_mac), (zero, zero))


@ksft_variants(VARIANTS)
def test_peer_blackhole(mode) -> None:
    """With no program on the peer, pod egress is dropped (tx_dropped, nothing
    reaches the host); a pinned tail link of cil_from_container passes it."""
    n = Node(mode, programs=False)
    n.attach(n.a, peer=False)
    s0 = n.snap()
    srv = sock(n.host, "udp")
    srv.bind((HOST_IP, 8081))
    srv.settimeout(0.5)
    cli = sock(n.a.ns, "udp")
    for i in range(UDP_N):
        cli.sendto(b"x", (HOST_IP, 8081))
    try:
        srv.recv(16)
        ksft_eq("received", "dropped", comment="a datagram passed the blackhole")
    except TimeoutError:
        pass
    d = delta(s0, n.snap())
    expect(d, a__eth0__tx_dropped=UDP_N, a__eth0__tx=0, a__lxc__rx=0, a__fc_pass=0)
    n.attach(n.a, primary=False)
    srv.close()
    cli.close()
    s0 = n.snap()
    udp(n.a.ns, n.host, HOST_IP)
    d = delta(s0, n.snap())
    expect(d, a__eth0__tx_dropped=0, a__eth0__tx=UDP_N, a__lxc__rx=UDP_N, a__fc_pass=UDP_N)


@ksft_variants(VARIANTS)
def test_links(mode) -> None:
    """Links go to the tail after a program already there, are pinned with the
    device and side, and BPF_LINK_UPDATE swaps the program in place."""
    n = Node(mode, programs=False)
    n.attach_uplink()
    a, h = n.a, n.host
    nk_bpf(f"attach {a.lxc} primary {a.pin}/nk_next", ns=h)
    n.attach(a)
    ids = {}
    for prog in ("nk_next", "cil_to_container", "cil_to_container_v2", "cil_from_container"):
        ids[prog] = json.loads(cmd(f"bpftool -j prog show pinned {a.pin}/{prog}").stdout)["id"]
    q = json.loads(nk_bpf(f"query {a.lxc} primary", ns=h).stdout)
    ksft_eq(q["prog_ids"], [ids["nk_next"], ids["cil_to_container"]])
    ksft_eq(q["link_ids"][0], 0)
    lid = q["link_ids"][1]
    ksft_ne(lid, 0)
    eth0 = link("eth0", a.ns)["ifindex"]
    for pin, side, ifindex, prog in (("to_container", "netkit_primary", a.ifindex,
                                      "cil_to_container"),
                                     ("from_container", "netkit_peer", eth0,
                                      "cil_from_container")):
        info = link_info(f"{a.pin}/{pin}")
        ksft_eq((info["type"], info["attach_type"], info["ifindex"], info["prog_id"]),
                ("netkit", side, ifindex, ids[prog]), comment=pin)
    ksft_eq(link_info(f"{a.pin}/to_container")["id"],
            lid)
    # Host to pod through the host stack: nk_next, then cil_to_container.
    s0 = n.snap()
    udp(h, a.ns, a.ip)
    d = delta(s0, n.snap())
    expect(d, a__next=UDP_N, a__tc=UDP_N, a__tc_v2=0, a__lxc__tx=UDP_N, a__eth0__rx=UDP_N)
    nk_bpf(f"link-update {a.pin}/to_container {a.pin}/cil_to_container_v2")
    q2 = json.loads(nk_bpf(f"query {a.lxc} primary", ns=h).stdout)
    ksft_eq(q2["prog_ids"], [ids["nk_next"], ids["cil_to_container_v2"]])
    ksft_eq(q2["link_ids"], q["link_ids"])
    ksft_eq(q2["revision"], q["revision"] + 1)
    s0 = n.snap()
    udp(h, a.ns, a.ip)
    d = delta(s0, n.snap())
    expect(d, a__next=UDP_N, a__tc=0, a__tc_v2=UDP_N, a__lxc__tx=UDP_N, a__eth0__rx=UDP_N)


@ksft_variants(VARIANTS)
def test_defunct_link(mode) -> None:
    """After the device is deleted with the pins held, both links report
    ifindex 0, BPF_LINK_UPDATE fails with ENOLINK and detach succeeds."""
    n = Node(mode)
    a = n.a
    ip(f"link del {a.lxc}", ns=n.host)
    for pin in ("to_container", "from_container"):
        info = link_info(f"{a.pin}/{pin}")
        ksft_eq(info["ifindex"], 0, comment=pin)
        ksft_eq(nk_errno(f"link-update {a.pin}/{pin} {a.pin}/cil_to_container_v2"),
                errno.ENOLINK, comment=pin)
        nk_bpf(f"link-detach {a.pin}/{pin}")
        ksft_eq(nk_errno(f"link-update {a.pin}/{pin} {a.pin}/cil_to_container_v2"),
                errno.ENOLINK, comment=pin)
    # Pod B is unaffected.
    s0 = n.snap([n.b])
    udp(n.b.ns, n.host, HOST_IP)
    d = delta(s0, n.snap([n.b]))
    expect(d, b__fc_pass=UDP_N, b__tc=UDP_N)


@ksft_variants(VARIANTS)
def test_remote_to_pod(mode) -> None:
    """TCP and UDP from the remote netns enter the host uplink, whose tcx
    program bpf_redirect_peer()s them into pod A's eth0, skipping the primary
    (no lxc tx, no cil_to_container); replies leave through
    cil_from_container to the host stack. Pod B sees nothing."""
    n = Node(mode)
    for proto in ("udp", "tcp"):
        s0 = n.snap()
        if proto == "udp":
            udp(n.remote, n.a.ns, n.a.ip)
        else:
            tcp(n.remote, n.a.ns, n.a.ip)
        d = delta(s0, n.snap())
        fwd, back = d["host.fn_peer"], d["a.fc_pass"]
        if proto == "udp":
            ksft_eq((fwd, back), (UDP_N, UDP_N))
        ksft_gt(fwd, 0)
        ksft_gt(back, 0)
        expect(d, a__eth0__rx=fwd, a__lxc__tx=0, a__tc=0, host__fn_pass=0,
               a__eth0__tx=back, a__lxc__rx=back, a__fc_redirect=0, a__drop=0)
        untouched(d, "b.")


@ksft_variants(VARIANTS)
def test_pod_to_pod(mode) -> None:
    """TCP and UDP between pods: each side's cil_from_container redirects to
    the other pod's primary, whose cil_to_container passes it to its eth0;
    nothing reaches the host side or the uplink."""
    n = Node(mode)
    for proto in ("udp", "tcp"):
        s0 = n.snap()
        if proto == "udp":
            udp(n.a.ns, n.b.ns, n.b.ip)
        else:
            tcp(n.a.ns, n.b.ns, n.b.ip)
        d = delta(s0, n.snap())
        ab, ba = d["a.fc_redirect"], d["b.fc_redirect"]
        if proto == "udp":
            ksft_eq((ab, ba), (UDP_N, UDP_N))
        ksft_gt(ab, 0)
        ksft_gt(ba, 0)
        expect(d, a__eth0__tx=ab, b__lxc__tx=ab, b__tc=ab, b__eth0__rx=ab,
               b__eth0__tx=ba, a__lxc__tx=ba, a__tc=ba, a__eth0__rx=ba,
               a__lxc__rx=0, b__lxc__rx=0, a__fc_pass=0, b__fc_pass=0,
               a__drop=0, b__drop=0)
        untouched(d, "host.")


@ksft_variants(VARIANTS)
def test_pod_to_host(mode) -> None:
    """TCP and UDP from pod A to the host: cil_from_container passes them to
    the host stack through the primary; replies go through the primary's
    cil_to_container. Pod B and the uplink program see nothing."""
    n = Node(mode)
    for proto in ("udp", "tcp"):
        s0 = n.snap()
        if proto == "udp":
            udp(n.a.ns, n.host, HOST_IP)
        else:
            tcp(n.a.ns, n.host, HOST_IP)
        d = delta(s0, n.snap())
        out, back = d["a.fc_pass"], d["a.tc"]
        if proto == "udp":
            ksft_eq((out, back), (UDP_N, UDP_N))
        ksft_gt(out, 0)
        ksft_gt(back, 0)
        expect(d, a__eth0__tx=out, a__lxc__rx=out, a__fc_redirect=0,
               a__lxc__tx=back, a__eth0__rx=back, a__drop=0)
        untouched(d, "b.", "host.")


@ksft_variants(VARIANTS)
def test_scrub(mode) -> None:
    """The primary (scrub none) keeps skb->mark into the pod: cil_to_container
    sees it; the peer (scrub default) clears it leaving the pod:
    cil_from_container never sees it."""
    n = Node(mode)
    s0 = n.snap()
    udp(n.host, n.a.ns, n.a.ip, cmark=7)
    d = delta(s0, n.snap())
    expect(d, a__tc=UDP_N, a__tc_mark=UDP_N, a__fc_pass=UDP_N, a__fc_mark=0)
    s0 = n.snap()
    udp(n.a.ns, n.host, HOST_IP, cmark=7)
    d = delta(s0, n.snap())
    expect(d, a__fc_pass=UDP_N, a__fc_mark=0, a__tc=UDP_N, a__tc_mark=0)


def main() -> None:
    ksft_run([test_devices, test_peer_blackhole, test_links, test_defunct_link,
              test_remote_to_pod, test_pod_to_pod, test_pod_to_host, test_scrub])
    ksft_exit()


if __name__ == "__main__":
    main()
