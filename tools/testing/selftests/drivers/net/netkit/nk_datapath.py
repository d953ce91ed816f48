#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit datapath and BPF attach through libbpf (nk_bpf): forwarding in L2
and L3, default policies, stats, scrubbing across namespaces, mprog
attach/detach/query ordering and errnos, bpf_link create/update/detach,
fdinfo and link info, program verdicts (pass, drop, next, redirect)."""

import errno
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_ne, ksft_ge,
                        ksft_true, KsftSkipEx, NetNS, Netlink, RtnlFamily, cmd,
                        defer, ip)

TOOLS = Path(os.environ.get("NK_TOOLS", "/nk/cache/nk-tools"))
NK_BPF = TOOLS / "nk_bpf"
PIN = Path("/sys/fs/bpf/nk_test")


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


def pod(mode="l3", args="", peer_args=""):
    """A netkit pair: nk0 in the host, nk1 in a new namespace, addressed."""
    ns = NetNS()
    defer(ns.__del__)
    ip(f"link add nk0 type netkit mode {mode} {args} peer name nk1 {peer_args}")
    defer(cmd, "ip link del nk0", fail=False)
    ip(f"link set nk1 netns {ns.name}")
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


def test_forward_l3() -> None:
    ns = pod("l3")
    ksft_true(ping())
    ksft_true(ping(ns))


def test_forward_l2() -> None:
    ns = pod("l2")
    ksft_true(ping())
    ksft_true(ping(ns))


def test_stats() -> None:
    ns = pod()
    before_tx, before_rx = stats("nk0")["tx"]["packets"], stats("nk1", ns)["rx"]["packets"]
    ksft_true(ping(count=3))
    ksft_ge(stats("nk0")["tx"]["packets"] - before_tx, 3)
    ksft_ge(stats("nk1", ns)["rx"]["packets"] - before_rx, 3)


def test_blackhole_policy() -> None:
    ns = pod(args="blackhole")
    dropped = stats("nk0")["tx"]["dropped"]
    ksft_true(not ping())
    ksft_ge(stats("nk0")["tx"]["dropped"] - dropped, 2)
    ip("link set nk0 type netkit forward")
    ksft_true(ping())
    ip("link set nk0 type netkit peer blackhole")
    ksft_true(not ping())
    ip("link set nk0 type netkit peer forward")
    ksft_true(ping())


def test_peer_down_drops() -> None:
    ns = pod()
    ip("link set nk1 down", ns=ns)
    ksft_true(not ping())


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


def test_mprog_order() -> None:
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
    ksft_ge(counters()["drop"], 2)
    nk_bpf(f"detach nk0 primary {PIN}/nk_next")
    nk_bpf(f"detach nk0 primary {PIN}/nk_drop")
    ksft_eq(query("nk0", "primary")["prog_ids"], [])
    ksft_true(ping())


def test_peer_attach() -> None:
    ns = pod()
    load()
    nk_bpf(f"attach nk0 peer {PIN}/nk_drop_ipv4")
    ksft_eq(query("nk0", "peer")["prog_ids"], [prog_id("nk_drop_ipv4")])
    ksft_eq(query("nk0", "primary")["prog_ids"], [])
    # Runs on the pod's transmit: pings from the host get no reply.
    ksft_true(not ping())
    ksft_true(not ping(ns))
    nk_bpf(f"detach nk0 peer {PIN}/nk_drop_ipv4")
    ksft_true(ping())


def test_links() -> None:
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
    # A link's program cannot be detached as a plain program.
    ksft_eq(nk_err(f"detach nk0 peer {PIN}/nk_count_ipv4"), errno.EBUSY)
    # Update in place, then detach.
    nk_bpf(f"link-update {PIN}/l_peer {PIN}/nk_drop_ipv4")
    ksft_true(not ping())
    nk_bpf(f"link-detach {PIN}/l_peer")
    ksft_true(ping())
    ksft_eq(nk_err(f"link-update {PIN}/l_peer {PIN}/nk_pass"), errno.ENOLINK)
    # Deleting the device detaches the remaining link.
    ip("link del nk0")
    links = json.loads(cmd("bpftool -j link show").stdout)
    prim = [l for l in links if l.get("type") == "netkit" and l["attach_type"] == "netkit_primary"]
    ksft_eq(prim[0]["ifindex"], 0)


def test_redirect() -> None:
    ns = pod()
    ip("link add nk2 type netkit peer name nk3")
    defer(cmd, "ip link del nk2", fail=False)
    ip("link set nk2 up")
    ip("link set nk3 up")
    idx = ip("link show nk3", json=True)[0]["ifindex"]
    load(redirect_ifindex=idx)
    nk_bpf(f"attach nk0 primary {PIN}/nk_redirect")
    tx0, rx1 = stats("nk0")["tx"]["packets"], stats("nk1", ns)["rx"]["packets"]
    ksft_true(not ping())
    ksft_ge(counters()["redirect"], 2)
    # Redirected packets count as sent by nk0 and never reach the peer.
    ksft_ge(stats("nk0")["tx"]["packets"] - tx0, 2)
    ksft_eq(stats("nk1", ns)["rx"]["packets"], rx1)


def main() -> None:
    ksft_run([test_forward_l3, test_forward_l2, test_stats,
              test_blackhole_policy, test_peer_down_drops,
              test_prog_attach_errors, test_single_attach_refused,
              test_mprog_order, test_peer_attach, test_links, test_redirect])
    ksft_exit()


if __name__ == "__main__":
    main()
