#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""dummy, the device that counts and discards what it is sent: the
numdummies module parameter, module autoload, load and unload with devices
present and under traffic, its link attributes (IFLA_ADDRESS validation),
flags, MTU range, features, transmit counters, software transmit
timestamps, shared skbs (pktgen clone_skb), carrier and MAC changes,
ethtool drvinfo and tsinfo."""

import array
import errno
import fcntl
import socket
import struct
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_in,
                        ksft_not_in, ksft_raises, ksft_true, EthtoolFamily, NetNS,
                        NetNSEnter, NlError, Netlink, RtnlFamily, cmd, defer, ip)

CREATE = [Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL]
SIOCETHTOOL = 0x8946
ETHTOOL_GDRVINFO = 0x3
SO_TIMESTAMPING = 37
SOF_TX_SOFTWARE = 1 << 1
SOF_SOFTWARE = 1 << 4
SOF_OPT_ID = 1 << 7
SOF_OPT_TSONLY = 1 << 11
SCM_TIMESTAMPING = SO_TIMESTAMPING
MSG_ERRQUEUE = 0x2000


def dummies(ns=None):
    """Names of the dummy devices in a namespace."""
    # iproute2 prints an empty object for each device the filter skips.
    links = ip("-d link show type dummy", json=True, ns=ns)
    return sorted(l["ifname"] for l in links if "ifname" in l)


def loaded():
    return Path("/sys/module/dummy").exists()


def unload():
    if loaded():
        cmd("rmmod dummy")


def load(params=""):
    unload()
    cmd(f"modprobe dummy {params}")
    defer(unload)


def sysfs(ns, dev, attr, write=None):
    """Reads (or writes) /sys/class/net/DEV/ATTR as seen in netns NS;
    returns the value read, or the failed write's stderr."""
    path = f"/sys/class/net/{dev}/{attr}"
    if write is None:
        return cmd(f"ip netns exec {ns} cat {path}").stdout.strip()
    r = cmd(f"ip netns exec {ns} sh -c 'echo {write} > {path}'", shell=True, fail=False)
    return None if r.ret == 0 else r.stderr


def link(name, ns=None):
    return ip(f"-d -s link show dev {name}", json=True, ns=ns)[0]


def add(name, args="", ns=None):
    ip(f"link add {name} type dummy {args}", ns=ns)


def stats(name, ns=None):
    return link(name, ns)["stats64"]


def modprobe_numdummies():
    """numdummies as modprobe's configuration sets it (systemd's
    modprobe.d sets 0), else the default 1."""
    n = 1
    for line in cmd("modprobe -c").stdout.splitlines():
        w = line.split()
        if w[:2] == ["options", "dummy"]:
            for opt in w[2:]:
                if opt.startswith("numdummies="):
                    n = int(opt.split("=")[1])
    return n


def test_numdummies() -> None:
    """Loading creates numdummies devices named dummy%d in init_net, none
    for 0 or a negative count; given twice, the last value counts (modprobe
    puts modprobe.d's options first); rmmod removes them."""
    for n, want in ((3, ["dummy0", "dummy1", "dummy2"]), (0, []), (-2, [])):
        load(f"numdummies={n}")
        ksft_eq(dummies(), want)
        unload()
        ksft_eq(dummies(), [])
    ko = cmd("modinfo -F filename dummy").stdout.strip()
    cmd(f"insmod {ko} numdummies=1 numdummies=2")
    defer(unload)
    ksft_eq(dummies(), ["dummy0", "dummy1"])
    unload()
    ksft_in("numdummies", cmd("modinfo -F parm dummy").stdout)


def test_autoload() -> None:
    """`ip link add type dummy` loads the module (rtnl-link-dummy alias),
    which also creates the numdummies devices modprobe's options ask for."""
    unload()
    defer(unload)
    want = [f"dummy{i}" for i in range(modprobe_numdummies())]
    with NetNS() as ns:
        add("d0", ns=ns)
        ksft_true(loaded())
        ksft_eq(dummies(ns), ["d0"])
        ksft_eq(dummies(), want)


def test_defaults() -> None:
    """Flags, MTU range, queue and address defaults of a new device."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        add("d1", ns=ns)
        l0, l1 = link("d0", ns), link("d1", ns)
        ksft_in("NOARP", l0["flags"])
        ksft_not_in("MULTICAST", l0["flags"])
        ksft_eq(l0["link_type"], "ether")
        ksft_eq(l0["mtu"], 1500)
        ksft_eq(l0["min_mtu"], 0)
        ksft_eq(l0["max_mtu"], 0)
        ksft_eq(l0["num_tx_queues"], 1)
        ksft_eq(l0["num_rx_queues"], 1)
        ksft_eq(l0["linkinfo"]["info_kind"], "dummy")
        # A random (NET_ADDR_RANDOM), locally administered unicast address.
        mac = bytes.fromhex(l0["address"].replace(":", ""))
        ksft_eq(mac[0] & 3, 2)
        ksft_ne(l0["address"], l1["address"])
        ksft_eq(sysfs(ns, "d0", "addr_assign_type"), "1")
        ip("link set d0 up", ns=ns)
        ksft_eq(link("d0", ns)["qdisc"], "noqueue")


def test_mtu_unbounded() -> None:
    """min_mtu and max_mtu 0: any MTU from 0 up is accepted."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        for mtu in (0, 68, 9000, 65535, 1 << 20):
            ip(f"link set d0 mtu {mtu}", ns=ns)
            ksft_eq(link("d0", ns)["mtu"], mtu)
        ip("link add d1 mtu 100000 type dummy", ns=ns)
        ksft_eq(link("d1", ns)["mtu"], 100000)


def test_address_validate() -> None:
    """IFLA_ADDRESS at creation: EINVAL unless 6 bytes, EADDRNOTAVAIL
    unless valid unicast; a valid one is used as given."""
    load("numdummies=0")
    with NetNS() as ns:
        with NetNSEnter(str(ns)):
            rtnl = RtnlFamily()
            for addr, err in ((b"\x02\x00\x00\x00\x01", errno.EINVAL),
                              (b"\x02\x00\x00\x00\x00\x01\x02", errno.EINVAL),
                              (b"\x01\x00\x5e\x00\x00\x01", errno.EADDRNOTAVAIL),
                              (b"\x00" * 6, errno.EADDRNOTAVAIL)):
                with ksft_raises(NlError) as e:
                    rtnl.newlink({"ifname": "dx", "address": addr,
                                  "linkinfo": {"kind": "dummy"}}, flags=CREATE)
                ksft_eq(e.exception.nl_msg.error, -err)
            ksft_eq(dummies(), [])
            rtnl.newlink({"ifname": "dx", "address": b"\x02\x11\x22\x33\x44\x55",
                          "linkinfo": {"kind": "dummy"}}, flags=CREATE)
            ksft_eq(link("dx")["address"], "02:11:22:33:44:55")
        # NET_ADDR_SET
        ksft_eq(sysfs(ns, "dx", "addr_assign_type"), "3")


def test_set_mac() -> None:
    """The MAC changes while up (IFF_LIVE_ADDR_CHANGE); invalid addresses
    are refused with EADDRNOTAVAIL."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        ip("link set d0 up", ns=ns)
        ip("link set d0 address 02:aa:bb:cc:dd:ee", ns=ns)
        ksft_eq(link("d0", ns)["address"], "02:aa:bb:cc:dd:ee")
        for bad in ("01:00:5e:00:00:01", "00:00:00:00:00:00"):
            r = cmd(f"ip -netns {ns} link set d0 address {bad}", fail=False)
            ksft_ne(r.ret, 0)
            ksft_in("Cannot assign requested address", r.stderr)
        ksft_eq(link("d0", ns)["address"], "02:aa:bb:cc:dd:ee")


def test_carrier() -> None:
    """Carrier follows IFLA_CARRIER and sysfs `carrier` (up devices)."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        # sysfs refuses a device that is down.
        ksft_ne(sysfs(ns, "d0", "carrier", write=0), None)
        ip("link set d0 up", ns=ns)
        ksft_eq(sysfs(ns, "d0", "carrier"), "1")
        ip("link set d0 carrier off", ns=ns)
        ksft_eq(sysfs(ns, "d0", "carrier"), "0")
        ksft_eq(link("d0", ns)["operstate"], "DOWN")
        ip("link set d0 carrier on", ns=ns)
        ksft_eq(sysfs(ns, "d0", "carrier"), "1")
        ksft_eq(sysfs(ns, "d0", "carrier", write=0), None)
        ksft_eq(sysfs(ns, "d0", "carrier"), "0")
        ksft_eq(sysfs(ns, "d0", "carrier", write=1), None)
        ksft_eq(sysfs(ns, "d0", "carrier"), "1")
        ksft_eq(link("d0", ns)["operstate"], "UP")


def test_xmit_counts() -> None:
    """Every packet routed to the device is counted in tx_packets/tx_bytes
    (as sent, with its Ethernet header) and discarded; nothing is received."""
    load("numdummies=0")
    n, payload = 50, 100
    with NetNS() as ns:
        add("d0", ns=ns)
        ip("addr add 10.9.0.1/24 dev d0", ns=ns)
        ip("link set d0 up", ns=ns)
        with NetNSEnter(str(ns)):
            s0 = stats("d0")
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(n):
                sock.sendto(b"x" * payload, ("10.9.0.2", 9))
            sock.close()
            s1 = stats("d0")
        ksft_eq(s1["tx"]["packets"] - s0["tx"]["packets"], n)
        ksft_eq(s1["tx"]["bytes"] - s0["tx"]["bytes"], n * (payload + 8 + 20 + 14))
        ksft_eq(s1["rx"]["packets"], 0)
        ksft_eq(s1["tx"]["dropped"], 0)


def test_tx_timestamp() -> None:
    """A socket asking for software transmit timestamps gets one per
    packet sent through the device; ethtool tsinfo says it can."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        ip("addr add 10.9.0.1/24 dev d0", ns=ns)
        ip("link set d0 up", ns=ns)
        with NetNSEnter(str(ns)):
            ts = EthtoolFamily().tsinfo_get({"header": {"dev-name": "d0"}})
            bits = [b["name"] for b in ts["timestamping"]["bits"]["bit"]]
            ksft_in("software-transmit", bits)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING,
                            SOF_TX_SOFTWARE | SOF_SOFTWARE | SOF_OPT_ID | SOF_OPT_TSONLY)
            for _ in range(3):
                sock.sendto(b"t" * 32, ("10.9.0.2", 9))
            got = 0
            deadline = time.time() + 5
            while got < 3 and time.time() < deadline:
                try:
                    _, anc, _, _ = sock.recvmsg(64, 1024, MSG_ERRQUEUE | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    time.sleep(0.05)
                    continue
                for level, typ, data in anc:
                    if level == socket.SOL_SOCKET and typ == SCM_TIMESTAMPING:
                        sec, nsec = struct.unpack("qq", data[:16])
                        ksft_true(sec > 0 or nsec > 0)
                        got += 1
            sock.close()
        ksft_eq(got, 3)


def test_drvinfo() -> None:
    """ethtool drvinfo names the driver after the link kind."""
    load("numdummies=0")
    with NetNS() as ns:
        add("d0", ns=ns)
        with NetNSEnter(str(ns)):
            buf = array.array("B", struct.pack("I", ETHTOOL_GDRVINFO) + bytes(192))
            ifr = struct.pack("16sP", b"d0", buf.buffer_info()[0])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
            ksft_eq(bytes(buf[4:36]).split(b"\0")[0], b"dummy")
        out = ip("-d link show d0", ns=ns).stdout
        ksft_in("dummy", out)


def pktgen(dev, count, clone, extra=()):
    """Sends `count` packets to `dev` with pktgen's thread 0."""
    pg = Path("/proc/net/pktgen")
    ctl = pg / "kpktgend_0"
    ctl.write_text("rem_device_all\n")
    ctl.write_text(f"add_device {dev}\n")
    d = pg / dev
    for c in (f"count {count}", f"clone_skb {clone}", "pkt_size 128",
              "dst 10.9.0.2", "dst_mac 02:00:00:00:00:02", *extra):
        d.write_text(c + "\n")
    (pg / "pgctrl").write_text("start\n")
    res = d.read_text()
    ctl.write_text("rem_device_all\n")
    return res


def test_pktgen_clone_skb() -> None:
    """The device takes shared skbs (IFF_TX_SKB_SHARING): pktgen's
    clone_skb sends each skb many times, and each is counted."""
    load("numdummies=1")
    ip("link set dummy0 up")
    s0 = stats("dummy0")
    res = pktgen("dummy0", 1000, 100)
    ksft_in("Result: OK", res)
    s1 = stats("dummy0")
    ksft_eq(s1["tx"]["packets"] - s0["tx"]["packets"], 1000)
    ksft_eq(s1["tx"]["bytes"] - s0["tx"]["bytes"], 1000 * 128)


class Traffic:
    """UDP senders to every dummy of some namespaces, until stopped."""

    def __init__(self, names):
        self.names, self.stop, self.sent = names, threading.Event(), 0
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in names]

    def run(self, ns):
        with NetNSEnter(ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            while not self.stop.is_set():
                for i in range(4):
                    try:
                        s.sendto(b"u" * 200, (f"10.9.{i}.2", 9))
                        self.sent += 1
                    except OSError:
                        # The device went away under the sender.
                        time.sleep(0.001)
            s.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *a):
        self.stop.set()
        for t in self.threads:
            t.join()


def test_unload_under_traffic() -> None:
    """rmmod with devices in several namespaces, up and sending, removes
    every one; load and unload repeat cleanly."""
    nss = [f"dmyul{i}" for i in range(3)]
    for ns in nss:
        ip(f"netns add {ns}")
        defer(ip, f"netns del {ns}")
    for cycle in range(5):
        load("numdummies=2")
        for ns in nss:
            for i in range(4):
                add(f"d{i}", ns=ns)
                ip(f"addr add 10.9.{i}.1/24 dev d{i}", ns=ns)
                ip(f"link set d{i} up", ns=ns)
        with Traffic(nss) as t:
            time.sleep(0.5)
            cmd("rmmod dummy")
            sent = t.sent
        ksft_true(sent > 0, f"cycle {cycle}: nothing sent")
        ksft_true(not loaded())
        ksft_eq(dummies(), [])
        for ns in nss:
            ksft_eq(dummies(ns), [])


def main() -> None:
    ksft_run([test_numdummies, test_autoload, test_defaults, test_mtu_unbounded,
              test_address_validate, test_set_mac, test_carrier, test_xmit_counts,
              test_tx_timestamp, test_drvinfo, test_pktgen_clone_skb,
              test_unload_under_traffic])
    ksft_exit()


if __name__ == "__main__":
    main()
