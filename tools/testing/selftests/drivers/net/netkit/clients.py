#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""netkit seen through bpftool and iproute2: bpftool net show and link
show/detach of netkit attachments, and `ip -d -j link show` of every netkit
variant against a golden file made on the C driver."""

import difflib
import json
import os
import sys
from pathlib import Path

KSFT = Path(__file__).resolve().parents[3]
if not (KSFT / "net/lib/py").is_dir():
    # Run from the checkout: the library is in the kernel source.
    KSFT = Path(os.environ["NK_KSRC"]) / "tools/testing/selftests"
sys.path.insert(0, str(KSFT))
# pylint: disable=wrong-import-position
from net.lib.py import (ksft_run, ksft_exit, ksft_eq, ksft_true, KsftFailEx,
                        NetNS, Netlink, RtnlFamily, cmd, defer, ip)

TOOLS = Path(os.environ.get("NK_TOOLS", "/nk/cache/nk-tools"))
NK_BPF = TOOLS / "nk_bpf"
PIN = Path("/sys/fs/bpf/nk_clients")
GOLDEN = Path(__file__).resolve().with_name("clients_ip_link.golden")
CREATE = [Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL]


def bpftool(args):
    # `link show` can exit 255 after a good answer (a stale errno in
    # bpftool 7.5): the JSON it printed is what counts.
    return json.loads(cmd(f"bpftool -j {args}", fail=False).stdout)


def query(side):
    return json.loads(cmd(f"{NK_BPF} query nka {side}").stdout)


def ifindex(dev):
    return ip(f"link show dev {dev}", json=True)[0]["ifindex"]


def attach_all():
    """nka/nkb; on nka a primary link (nk_pass), a primary mprog attach
    (nk_next) and a peer link (nk_drop); on nkb tcx ingress (nk_pass)."""
    for f in (NK_BPF, TOOLS / "nk_progs.bpf.o"):
        if not f.exists():
            raise KsftFailEx(f"{f} not built (tools/nk/tools.sh)")
    cmd(f"rm -rf {PIN}")
    PIN.mkdir(parents=True)
    defer(cmd, f"rm -rf {PIN}")
    cmd(f"bpftool prog loadall {TOOLS}/nk_progs.bpf.o {PIN}")
    ip("link add nka type netkit peer name nkb")
    defer(cmd, "ip link del nka", fail=False)
    cmd(f"{NK_BPF} link nka primary {PIN}/nk_pass {PIN}/l_prim")
    cmd(f"{NK_BPF} attach nka primary {PIN}/nk_next")
    cmd(f"{NK_BPF} link nka peer {PIN}/nk_drop {PIN}/l_peer")
    cmd(f"bpftool net attach tcx_ingress pinned {PIN}/nk_pass dev nkb")
    ids = {p: bpftool(f"prog show pinned {PIN}/{p}")["id"]
           for p in ("nk_pass", "nk_next", "nk_drop")}
    ids["l_prim"] = query("primary")["link_ids"][0]
    ids["l_peer"] = query("peer")["link_ids"][0]
    ksft_true(ids["l_prim"] and ids["l_peer"], comment="link ids")
    return ids


def net_show(dev):
    """bpftool net show's tc entries of DEV: (kind, name, prog, link)."""
    out = []
    for e in bpftool("net show")[0]["tc"]:
        if e["devname"] == dev:
            ksft_eq(e["ifindex"], ifindex(dev), comment=f"net show ifindex of {dev}")
            out.append((e["kind"], e["name"], e["prog_id"], e["link_id"]))
    return out


def test_bpftool_net_show() -> None:
    """bpftool net show lists nka's primary and peer programs, with their
    link ids, under nka, and only the tcx program under nkb."""
    i = attach_all()
    ksft_eq(net_show("nka"), [
        ("netkit/primary", "nk_pass", i["nk_pass"], i["l_prim"]),
        ("netkit/primary", "nk_next", i["nk_next"], 0),
        ("netkit/peer", "nk_drop", i["nk_drop"], i["l_peer"]),
    ])
    ksft_eq(net_show("nkb"), [("tcx/ingress", "nk_pass", i["nk_pass"], 0)])


def nk_links():
    return sorted((l for l in bpftool("link show") if l["type"] == "netkit"),
                  key=lambda l: l["id"])


def test_bpftool_link_show() -> None:
    """bpftool link show gives each netkit link's program, attach type and
    device: nka for the primary link, the peer nkb for the peer link."""
    i = attach_all()
    nka = ifindex("nka")
    prim = {"id": i["l_prim"], "type": "netkit", "prog_id": i["nk_pass"],
            "devname": "nka", "ifindex": nka, "attach_type": "netkit_primary"}
    peer = {"id": i["l_peer"], "type": "netkit", "prog_id": i["nk_drop"],
            "devname": "nkb", "ifindex": ifindex("nkb"), "attach_type": "netkit_peer"}
    ksft_eq(nk_links(), [prim, peer])
    ksft_eq(bpftool(f"link show id {i['l_peer']}"), peer)


def test_bpftool_link_detach() -> None:
    """bpftool link detach removes the link's program and leaves the link
    detached (ifindex 0); detaching again succeeds."""
    i = attach_all()
    cmd(f"bpftool link detach pinned {PIN}/l_prim")
    ksft_eq(query("primary")["prog_ids"], [i["nk_next"]])
    ksft_eq(net_show("nka"), [
        ("netkit/primary", "nk_next", i["nk_next"], 0),
        ("netkit/peer", "nk_drop", i["nk_drop"], i["l_peer"]),
    ])
    ksft_eq(bpftool(f"link show id {i['l_prim']}"),
            {"id": i["l_prim"], "type": "netkit", "prog_id": i["nk_pass"],
             "devname": "(detached)", "ifindex": 0, "attach_type": "netkit_primary"})
    # A detached link detaches again without error.
    cmd(f"bpftool link detach id {i['l_prim']}")
    cmd(f"bpftool link detach id {i['l_peer']}")
    ksft_eq(query("peer")["prog_ids"], [])
    ksft_eq(net_show("nka"), [("netkit/primary", "nk_next", i["nk_next"], 0)])
    ksft_eq(bpftool(f"link show id {i['l_peer']}")["ifindex"], 0)


NS = "nkclients"
FIXED_MACS = {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
              "02:00:00:00:00:0a", "02:00:00:00:00:0b"}


def newlink(data, **extra):
    req = {"ifname": "nka", "linkinfo": {"kind": "netkit", "data": data}}
    req.update(extra)
    RtnlFamily().newlink(req, flags=CREATE)


# name: (how to make nka (and its peer), [(device, netns or None)])
VARIANTS = {
    "l3_pair_defaults": (lambda: ip("link add nka type netkit peer name nkb"),
                         [("nka", None), ("nkb", None)]),
    "l2_pair": (lambda: ip("link add nka type netkit mode l2 peer name nkb"),
                [("nka", None), ("nkb", None)]),
    "l2_pair_macs": (lambda: ip("link add nka address 02:00:00:00:00:0a type netkit mode l2 "
                                "peer name nkb address 02:00:00:00:00:0b"),
                     [("nka", None), ("nkb", None)]),
    "l3_forward_peer_blackhole": (
        lambda: ip("link add nka type netkit forward peer blackhole name nkb"),
        [("nka", None), ("nkb", None)]),
    "l2_blackhole_peer_forward": (
        lambda: ip("link add nka type netkit mode l2 blackhole peer forward name nkb"),
        [("nka", None), ("nkb", None)]),
    "scrub_none": (lambda: ip("link add nka type netkit scrub none peer scrub none name nkb"),
                   [("nka", None), ("nkb", None)]),
    "scrub_none_peer_default": (
        lambda: ip("link add nka type netkit scrub none peer scrub default name nkb"),
        [("nka", None), ("nkb", None)]),
    # iproute2 6.15 cannot set headroom/tailroom: ynl; the kernel names the peer.
    "headroom_tailroom": (lambda: newlink({"mode": "l2", "headroom": 64, "tailroom": 32}),
                          [("nka", None), ("nk0", None)]),
    "single_l2": (lambda: newlink({"pairing": "single", "mode": "l2"}), [("nka", None)]),
    "single_l3": (lambda: newlink({"pairing": "single"}), [("nka", None)]),
    "peer_other_netns": (lambda: ip(f"link add nka type netkit peer name nkb netns {NS}"),
                         [("nka", None), ("nkb", NS)]),
    "l2_peer_other_netns_up": (
        lambda: (ip(f"link add nka numrxqueues 4 mtu 1400 type netkit mode l2 forward "
                    f"peer blackhole name nkb netns {NS} mtu 1400"),
                 ip("link set nka up"), ip("link set nkb up", ns=NS)),
        [("nka", None), ("nkb", NS)]),
    "changelink_policy": (
        lambda: (ip("link add nka type netkit peer name nkb"),
                 ip("link set nka type netkit blackhole peer blackhole")),
        [("nka", None), ("nkb", None)]),
}


def mask(link):
    """Masks what differs from boot to boot: ifindexes, netns ids, MACs the
    kernel chose at random."""
    for k in ("ifindex", "link_index"):
        if k in link:
            link[k] = "<ifindex>"
    if "link_netnsid" in link:
        link["link_netnsid"] = "<netnsid>"
    for k in ("address", "broadcast", "perm_address"):
        if k in link and link[k] not in FIXED_MACS:
            link[k] = "<mac>"
    return link


def ip_link_json():
    out = {}
    for name, (make, devs) in VARIANTS.items():
        with NetNS(name=NS):
            try:
                make()
                out[name] = {d: mask(ip(f"-d link show dev {d}", json=True, ns=ns)[0])
                             for d, ns in devs}
            finally:
                cmd("ip link del nka", fail=False)
    return out


def golden_text(data):
    return (
        "# SPDX-License-Identifier: GPL-2.0\n"
        "# `ip -d -j link show` of each netkit variant of clients.py, masked, as\n"
        "# the C driver (the reference) reports it. Regenerate on IMPL=c with:\n"
        "#   IMPL=c tools/nk/vm.sh -- env NK_GOLDEN=update \\\n"
        "#     \"$PWD/tools/testing/selftests/drivers/net/netkit/clients.py\" \\\n"
        "#     -t test_ip_link_json\n"
        + json.dumps(data, indent=1) + "\n")


def test_ip_link_json() -> None:
    """ip -d -j link show of every netkit variant matches the golden file
    (made on the C driver), ifindexes, netns ids and random MACs masked."""
    got = golden_text(ip_link_json())
    if os.environ.get("NK_GOLDEN") == "update":
        ksft_eq(os.environ.get("IMPL"), "c", comment="the golden file comes from the C driver")
        GOLDEN.write_text(got)
        return
    want = GOLDEN.read_text()
    diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                     str(GOLDEN), f"IMPL={os.environ.get('IMPL')}",
                                     lineterm=""))
    for line in diff:
        print("# " + line)
    ksft_true(not diff, comment="ip -d -j link show differs from the golden file")


def main() -> None:
    ksft_run([test_bpftool_net_show, test_bpftool_link_show,
              test_bpftool_link_detach, test_ip_link_json])
    ksft_exit()


if __name__ == "__main__":
    main()
