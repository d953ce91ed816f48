#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Differential netkit fuzzer, run in the VM by `make fuzz` (tools/nk/fuzz.sh).

Sends NK_FUZZ_N seeded random and mutated requests (rtnetlink NEWLINK/
SETLINK/DELLINK/GETLINK with IFLA_NETKIT_*, the same for dummy devices
(IFLA_ADDRESS, MTU, carrier), BPF prog attach/detach/query and
netkit links, netdev queue-create/queue-get against netdevsim, netns moves
and deletes, up/down) from four contexts: the initial netns ("init"), two
named netns ("a", "b", as root) and a user namespace with its own netns
("u", uid 65534 outside). After each request the answer (errno, extack) and,
when it changed, a normalised dump of all netkit state (ifindexes, netns ids,
random MACs, BPF ids masked; dummies too) go to $NK_RUN/fuzz.txt; the state is dumped
after requests that succeed or may change it when they fail (dump_after).
The same seed gives the same transcript on a driver that behaves like the
C one.

Every NK_FUZZ_EPOCH requests the world is reset and the generator reseeded
from (seed, epoch), so one divergence does not hide the ones after it.
"""

import ctypes
import errno
import os
import pickle
import random
import signal
import socket
import struct
import subprocess
import sys
import time

SEED = int(os.environ.get("NK_FUZZ_SEED", "1"))
N = int(os.environ.get("NK_FUZZ_N", "2000"))
EPOCH = int(os.environ.get("NK_FUZZ_EPOCH", "250"))
OUT = os.path.join(os.environ.get("NK_RUN", "/tmp"), os.environ.get("NK_FUZZ_OUT", "fuzz.txt"))

# netlink
NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
F_REQUEST, F_MULTI, F_ACK, F_ROOT, F_MATCH = 1, 2, 4, 0x100, 0x200
F_REPLACE, F_EXCL, F_CREATE = 0x100, 0x200, 0x400
F_DUMP = F_ROOT | F_MATCH
NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_GETNSID = 16, 17, 18, 19, 90
NETNSA_NSID, NETNSA_FD = 1, 3
NLA_F_NESTED = 0x8000
IFF_UP, IFF_RUNNING = 0x1, 0x40

IFLA = dict(ADDRESS=1, BROADCAST=2, IFNAME=3, MTU=4, LINK=5, TXQLEN=13, LINKINFO=18,
            NET_NS_PID=19, GROUP=27, NET_NS_FD=28, EXT_MASK=29, PROMISCUITY=30,
            NUM_TX_QUEUES=31, NUM_RX_QUEUES=32, CARRIER=33, CARRIER_CHANGES=35,
            LINK_NETNSID=37, GSO_MAX_SEGS=40, GSO_MAX_SIZE=41, TARGET_NETNSID=47,
            MIN_MTU=51, MAX_MTU=52, ALT_IFNAME=54, GRO_MAX_SIZE=59, TSO_MAX_SIZE=60,
            TSO_MAX_SEGS=61, ALLMULTI=62, HEADROOM=69, TAILROOM=70)
# Device kinds the fuzzer makes, and how often (netkit most).
KINDS = ["netkit"] * 6 + ["dummy"]
INFO_KIND, INFO_DATA = 1, 2
NK = dict(PEER_INFO=1, PRIMARY=2, POLICY=3, PEER_POLICY=4, MODE=5, SCRUB=6,
          PEER_SCRUB=7, HEADROOM=8, TAILROOM=9, PAIRING=10)
NK_NAME = {v: k for k, v in NK.items()}
IFLA_NAME = {v: k for k, v in IFLA.items()}

# generic netlink, netdev family
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
ND_CMD_QUEUE_GET, ND_CMD_QUEUE_CREATE = 10, 16
Q_ID, Q_IFINDEX, Q_TYPE, Q_LEASE = 1, 2, 3, 8
L_IFINDEX, L_QUEUE, L_NETNS_ID = 1, 2, 3

# bpf
SYS_bpf = {"x86_64": 321, "aarch64": 280}[os.uname().machine]
BPF_PROG_LOAD, BPF_PROG_ATTACH, BPF_PROG_DETACH, BPF_OBJ_GET_INFO = 5, 8, 9, 15
BPF_PROG_QUERY, BPF_LINK_CREATE, BPF_LINK_UPDATE, BPF_LINK_DETACH = 16, 28, 29, 34
SCHED_CLS, XDP = 3, 6
AT_TCX_INGRESS, AT_PRIMARY, AT_PEER = 46, 54, 55
F_REPLACE_B, F_BEFORE, F_AFTER, F_ID, F_LINK = 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 13
BPF_FLAGS = [(F_REPLACE_B, "REPLACE"), (F_BEFORE, "BEFORE"), (F_AFTER, "AFTER"),
             (F_ID, "ID"), (F_LINK, "LINK"), (1, "OVERRIDE"), (2, "MULTI")]

CTXS = ["init", "a", "b", "u"]
NSFD = {"init": 100, "a": 101, "b": 102, "u": 103}
PROGFD = 110          # P0..P4 at 110..114
PROGS = ["P0", "P1", "P2", "P3", "X"]
NAMES = ["nk0", "nk1", "nk2", "p0", "p1", "p2", "s0", "s1"]
USER_MACS = ["02:00:00:00:00:01", "02:00:00:00:00:02", "0a:11:22:33:44:55"]
BAD_MACS = ["01:00:5e:00:00:01", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"]

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def errname(e):
    return "OK" if e == 0 else errno.errorcode.get(e, "E%d" % e)


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def fmt_mac(b):
    s = ":".join("%02x" % x for x in b)
    if s in USER_MACS or s in BAD_MACS or len(b) != 6:
        return s
    return "rand"


# --- attributes -------------------------------------------------------------
class A:
    """One netlink attribute: payload is bytes or a list of A (a nest)."""
    __slots__ = ("t", "p", "d", "rawlen")

    def __init__(self, t, p, d):
        self.t, self.p, self.d, self.rawlen = t, p, d, None

    def enc(self):
        body = enc_attrs(self.p) if isinstance(self.p, list) else self.p
        ln = 4 + len(body) if self.rawlen is None else self.rawlen
        return struct.pack("HH", ln & 0xffff, self.t) + body + b"\0" * (-len(body) % 4)

    def show(self):
        if isinstance(self.p, list):
            return "%s{%s}" % (self.d, " ".join(a.show() for a in self.p))
        s = self.d
        if self.rawlen is not None:
            s += "[len=%d]" % self.rawlen
        return s


def enc_attrs(lst):
    return b"".join(a.enc() for a in lst)


def u8(t, v, n):
    return A(t, struct.pack("B", v & 0xff), "%s=%d" % (n, v))


def u16(t, v, n):
    return A(t, struct.pack("H", v & 0xffff), "%s=%d" % (n, v))


def u32(t, v, n):
    return A(t, struct.pack("I", v & 0xffffffff), "%s=%d" % (n, v))


def s32(t, v, n):
    return A(t, struct.pack("i", v), "%s=%d" % (n, v))


def strz(t, v, n):
    return A(t, v.encode() + b"\0", "%s=%r" % (n, v))


def ifx_attr(t, v, n):
    """An ifindex, shown by the name it was picked by (numbers vary)."""
    return A(t, struct.pack("I", v & 0xffffffff), n)


def nest(t, lst, n):
    return A(t, lst, n)


_HH = struct.Struct("HH").unpack_from


def parse_attrs(b):
    out, i, n = [], 0, len(b)
    while i + 4 <= n:
        ln, t = _HH(b, i)
        if ln < 4:
            break
        out.append((t & 0x3fff, b[i + 4:i + ln]))
        i += (ln + 3) & ~3
    return out


def adict(b):
    return dict(parse_attrs(b))


LINK_ATTRS = {}    # link message body -> its attributes (at most ~4096)


def link_attrs(b):
    """adict(b) for a link dump entry, parsed once per distinct body: most
    links do not change between two dumps. The result is shared: read only."""
    a = LINK_ATTRS.get(b)
    if a is None:
        if len(LINK_ATTRS) > 4096:
            LINK_ATTRS.clear()
        a = LINK_ATTRS[b] = adict(b)
    return a


# --- netlink sockets ----------------------------------------------------------
class NL:
    def __init__(self, proto):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((0, 0))
        s.settimeout(60)
        self.s, self.seq, self.fam = s, 0, None

    def close(self):
        self.s.close()

    def req(self, typ, flags, payload):
        """Returns (errno, extack dict, [(type, payload)])."""
        self.seq += 1
        msg = struct.pack("IHHII", 16 + len(payload), typ, flags | F_REQUEST | F_ACK,
                          self.seq, 0) + payload
        self.s.send(msg)
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            i = 0
            while i + 16 <= len(data):
                ln, t, fl, seq, _ = struct.unpack_from("IHHII", data, i)
                if ln < 16:
                    return -1, {"msg": "bad reply"}, replies
                body = data[i + 16:i + ln]
                i += (ln + 3) & ~3
                if seq != self.seq:
                    continue
                if t in (NLMSG_ERROR, NLMSG_DONE):
                    err = -struct.unpack_from("i", body)[0] if len(body) >= 4 else 0
                    ext = {}
                    if fl & 0x200:        # NLM_F_ACK_TLVS
                        off = 4
                        if t == NLMSG_ERROR:
                            # the request's header (NLM_F_CAPPED) or all of it
                            off += 16 if fl & 0x100 else struct.unpack_from("I", body, 4)[0]
                        for at, ap in parse_attrs(body[off:]):
                            if at == 1:
                                ext["msg"] = ap.rstrip(b"\0").decode(errors="replace")
                            elif at == 2:
                                ext["off"] = struct.unpack("I", ap[:4])[0]
                            elif at == 4:   # the policy the attribute failed
                                ext["pol"] = ap.hex()
                            elif at == 5:
                                ext["miss_type"] = struct.unpack("I", ap[:4])[0]
                            elif at == 6:
                                ext["miss_nest"] = struct.unpack("I", ap[:4])[0]
                    return err, ext, replies
                replies.append((t, body))

    def family(self, name):
        if self.fam is None:
            p = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
                strz(CTRL_ATTR_FAMILY_NAME, name, "n").enc()
            e, _, r = self.req(GENL_ID_CTRL, 0, p)
            if e:
                raise OSError(e, "genl family %s" % name)
            self.fam = struct.unpack("H", adict(r[0][1][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
        return self.fam

    def genl(self, cmd, flags, attrs_bytes):
        return self.req(self.family("netdev"), flags,
                        struct.pack("BBH", cmd, 1, 0) + attrs_bytes)


def ifinfo(index=0, flags=0, change=0, family=0, typ=0):
    return struct.pack("BxHIII", family, typ, index & 0xffffffff, flags, change)


# --- bpf ----------------------------------------------------------------------
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(bytes(attr), len(attr))
    r = libc.syscall(SYS_bpf, cmd, buf, len(attr))
    e = ctypes.get_errno() if r < 0 else 0
    return r, e, buf


def prog_load(ptype, ret):
    insns = struct.pack("<BBhi", 0xb7, 0, 0, ret) + struct.pack("<BBhi", 0x95, 0, 0, 0)
    ib = ctypes.create_string_buffer(insns)
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("IIQQIIQII16sII", ptype, 2, ctypes.addressof(ib), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"fz", 0, 0).ljust(144, b"\0")
    fd, e, _ = bpf(BPF_PROG_LOAD, attr)
    if fd < 0:
        raise OSError(e, "BPF_PROG_LOAD")
    return fd


def obj_id(fd):
    info = ctypes.create_string_buffer(256)
    attr = struct.pack("IIQ", fd, 256, ctypes.addressof(info))
    r, e, _ = bpf(BPF_OBJ_GET_INFO, attr)
    if r < 0:
        return None, e, None
    return struct.unpack_from("I", info.raw, 4)[0], 0, info.raw


def flags_str(f):
    names = [n for b, n in BPF_FLAGS if f & b]
    rest = f & ~sum(b for b, _ in BPF_FLAGS)
    if rest:
        names.append("0x%x" % rest)
    return "|".join(names) or "0"


# --- per-process execution ----------------------------------------------------
# Each executing process (the main one, which acts in init/a/b by switching
# netns, and the unprivileged "u" child) keeps its own sockets and links.
class Proc:
    def __init__(self):
        self.rt = {}      # ctx -> NL(route)
        self.gn = {}      # ctx -> NL(generic)
        self.links = {}   # link name -> fd
        self.cur = "init"

    def enter(self, ctx):
        if ctx != self.cur and self is MAIN:
            os.setns(NSFD[ctx], os.CLONE_NEWNET)
            self.cur = ctx

    def sock(self, ctx, proto):
        tab = self.rt if proto == NETLINK_ROUTE else self.gn
        if ctx not in tab:
            self.enter(ctx)
            tab[ctx] = NL(proto)
            self.enter("init")
        return tab[ctx]

    def drop_ctx(self, ctx):
        for tab in (self.rt, self.gn):
            if ctx in tab:
                tab.pop(ctx).close()

    def fdof(self, ref):
        """A symbolic fd: P0.., L<n>, NS:<ctx>, or a literal number."""
        if isinstance(ref, int):
            return ref
        if ref in PROGS:
            return PROGFD + PROGS.index(ref)
        if ref.startswith("NS:"):
            return NSFD[ref[3:]]
        return self.links.get(ref, 9999)

    def run(self, ctx, op):
        kind = op[0]
        if kind == "nl":
            _, proto, typ, flags, payload = op
            return self.sock(ctx, proto).req(typ, flags, payload)
        if kind == "genl":
            _, cmd, flags, payload = op
            return self.sock(ctx, NETLINK_GENERIC).genl(cmd, flags, payload)
        self.enter(ctx)
        try:
            return self.run_bpf(op)
        finally:
            self.enter("init")

    def run_bpf(self, op):
        kind = op[0]
        if kind in ("attach", "detach"):
            _, ifx, prog, at, fl, repl, rel, relkind, rev = op
            relv = self.relval(rel, relkind)
            attr = struct.pack("IIIIIIQ", ifx, self.fdof(prog), at, fl, self.fdof(repl), relv, rev)
            r, e, _ = bpf(BPF_PROG_ATTACH if kind == "attach" else BPF_PROG_DETACH,
                          attr.ljust(144, b"\0"))
            return (e, {}, [])
        if kind == "query":
            _, ifx, at, qflags, cnt = op
            ids = ctypes.create_string_buffer(4 * 64)
            lids = ctypes.create_string_buffer(4 * 64)
            attr = struct.pack("IIIIQIIQQQQ", ifx, at, qflags, 0, ctypes.addressof(ids) if cnt else 0,
                               cnt, 0, 0, ctypes.addressof(lids) if cnt else 0, 0, 0)
            r, e, buf = bpf(BPF_PROG_QUERY, attr.ljust(144, b"\0"))
            raw = buf.raw
            n = struct.unpack_from("I", raw, 24)[0]
            rev = struct.unpack_from("Q", raw, 56)[0]
            k = min(n, cnt)
            pids = struct.unpack_from("%dI" % k, ids.raw) if k else ()
            lks = struct.unpack_from("%dI" % k, lids.raw) if k else ()
            return (e, {"count": n, "rev": rev, "progs": pids, "links": lks}, [])
        if kind == "link_create":
            _, name, prog, ifx, at, fl, rel, relkind, rev = op
            relv = self.relval(rel, relkind)
            attr = struct.pack("IIIIIIQ", self.fdof(prog), ifx, at, fl, relv, 0, rev)
            r, e, _ = bpf(BPF_LINK_CREATE, attr.ljust(144, b"\0"))
            if r >= 0:
                self.links[name] = r
                lid = obj_id(r)[0]
                return (0, {"id": lid}, [])
            return (e, {}, [])
        if kind == "link_update":
            _, name, prog, fl, old = op
            attr = struct.pack("IIII", self.fdof(name), self.fdof(prog), fl, self.fdof(old))
            r, e, _ = bpf(BPF_LINK_UPDATE, attr.ljust(144, b"\0"))
            return (e, {}, [])
        if kind == "link_detach":
            r, e, _ = bpf(BPF_LINK_DETACH, struct.pack("I", self.fdof(op[1])).ljust(144, b"\0"))
            return (e, {}, [])
        if kind == "link_close":
            fd = self.links.pop(op[1], None)
            if fd is None:
                return (errno.EBADF, {}, [])
            os.close(fd)
            return (0, {}, [])
        if kind == "link_info":
            fd = self.fdof(op[1])
            lid, e, raw = obj_id(fd)
            if lid is None:
                return (e, {}, [])
            ifx, at = struct.unpack_from("II", raw, 16)
            return (0, {"ifindex": ifx, "at": at, "prog": struct.unpack_from("I", raw, 8)[0]}, [])
        raise ValueError(kind)

    def relval(self, rel, relkind):
        if relkind == "fd":
            return self.fdof(rel)
        if relkind == "id":
            if isinstance(rel, int):
                return rel
            if rel in PROGS:
                return PROG_IDS.get(rel, 0)
            fd = self.links.get(rel)
            return obj_id(fd)[0] if fd is not None else 77777
        return rel if isinstance(rel, int) else 0


MAIN = Proc()
PROG_IDS = {}


# --- the unprivileged user-namespace executor --------------------------------
class UExec:
    """A child in its own user and network namespace, uid/gid 65534 outside."""

    def __init__(self):
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            # nothing of the parent's may keep a netns, link or socket alive
            keep = {b.fileno(), w, DEVNULL} | {PROGFD + i for i in range(len(PROGS))}
            for fd in range(3, 1024):
                if fd not in keep:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            try:
                os.setgroups([])
                os.setresgid(65534, 65534, 65534)
                os.setresuid(65534, 65534, 65534)
                # a credential change made us undumpable: /proc/self/uid_map
                # would then belong to root
                libc.prctl(4, 1, 0, 0, 0)     # PR_SET_DUMPABLE
                os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNET)
                with open("/proc/self/setgroups", "w") as f:
                    f.write("deny")
                with open("/proc/self/uid_map", "w") as f:
                    f.write("0 65534 1")
                with open("/proc/self/gid_map", "w") as f:
                    f.write("0 65534 1")
                os.write(w, b"ok")
            except Exception as ex:
                os.write(w, repr(ex).encode())
                os._exit(1)
            os.close(w)
            self.serve(b)
            os._exit(0)
        b.close()
        os.close(w)
        st = os.read(r, 256)
        os.close(r)
        if st != b"ok":
            raise RuntimeError("user namespace setup failed: %s" % st)
        self.pid, self.sk = pid, a

    @staticmethod
    def serve(sk):
        global MAIN
        me = Proc()
        me.cur = "u"
        MAIN = None
        while True:
            msg, fds, _, _ = socket.recv_fds(sk, 1 << 20, 8)
            if not msg:
                os._exit(0)
            # namespace fds at their fixed numbers, as in the main process
            for i, fd in enumerate(fds):
                os.dup2(fd, 100 + i)
                os.close(fd)
            op = pickle.loads(msg)
            if op[0] == "ping":
                sk.send(pickle.dumps((0, {}, [])))
                continue
            try:
                res = me.run("u", op)
            except Exception as ex:      # report, do not die
                res = (-1, {"msg": "executor: %r" % ex}, [])
            sk.send(pickle.dumps(res))

    def run(self, op):
        # keep the numbering: send all four, a dead ns as /dev/null
        fds = [NSFD[c] if ctx_alive(c) else DEVNULL for c in CTXS]
        socket.send_fds(self.sk, [pickle.dumps(op)], fds)
        return pickle.loads(self.sk.recv(1 << 22))

    def stop(self):
        try:
            self.sk.close()
        finally:
            os.waitpid(self.pid, 0)


DEVNULL = os.open("/dev/null", os.O_RDONLY)
U = None
ALIVE = {"init": True, "a": False, "b": False, "u": False}


def ctx_alive(c):
    return ALIVE[c]


def owner(ctx):
    """Which process holds the links made from ctx."""
    return "u" if ctx == "u" else "m"


def execute(ctx, op):
    if ctx == "u":
        return U.run(op)
    return MAIN.run(ctx, op)


# --- namespaces ---------------------------------------------------------------
def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def ns_create(ctx):
    global U
    if ctx == "u":
        U = UExec()
        fd = os.open("/proc/%d/ns/net" % U.pid, os.O_RDONLY)
    else:
        sh("ip", "netns", "add", "fz" + ctx)
        fd = os.open("/run/netns/fz" + ctx, os.O_RDONLY)
    os.dup2(fd, NSFD[ctx])
    os.close(fd)
    ALIVE[ctx] = True
    NSIDS.clear()
    # a loopback that is up, so the ns has something besides netkits
    MAIN.sock(ctx, NETLINK_ROUTE).req(RTM_SETLINK, 0, ifinfo(1, IFF_UP, IFF_UP))


def ns_delete(ctx, sync=True):
    """Drops every reference to ctx's netns; with sync, waits until its
    devices are gone (the netns is freed by a workqueue)."""
    global U
    if sync:
        # a veth whose other end is in init: it goes in the same batch
        mark = "fzm" + ctx
        execute("init", ("nl", NETLINK_ROUTE, RTM_NEWLINK, F_CREATE | F_EXCL, ifinfo() + enc_attrs([
            strz(IFLA["IFNAME"], mark, ""),
            nest(IFLA["LINKINFO"], [strz(INFO_KIND, "veth", ""), nest(INFO_DATA, [
                A(1, ifinfo() + enc_attrs([strz(IFLA["IFNAME"], "fzm", ""),
                                           u32(IFLA["NET_NS_FD"], NSFD[ctx], "")]), "")], "")], "")])))
    MAIN.drop_ctx(ctx)
    if ctx == "u":
        U.stop()
        U = None
    else:
        sh("ip", "netns", "del", "fz" + ctx)
    os.dup2(DEVNULL, NSFD[ctx])
    ALIVE[ctx] = False
    NSIDS.clear()
    if U is not None:
        U.run(("ping",))      # its copy of the fd goes too
    if sync:
        t0 = time.monotonic()
        while link_exists("init", mark):
            if time.monotonic() - t0 > 60:
                raise RuntimeError("netns %s not freed after 60s" % ctx)
            time.sleep(0.02)
        # the batch that removed it holds rtnl until it is done
        execute("init", ("nl", NETLINK_ROUTE, RTM_SETLINK, 0, ifinfo(1)))


def link_exists(ctx, name):
    e, _, _ = execute(ctx, ("nl", NETLINK_ROUTE, RTM_GETLINK, 0,
                            ifinfo() + strz(IFLA["IFNAME"], name, "").enc()))
    return e == 0


# --- netdevsim ----------------------------------------------------------------
NSIM = {1: "nsim1", 2: "nsim2"}


def nsim_add(i):
    if os.path.exists("/sys/bus/netdevsim/devices/netdevsim%d" % i) or \
            not os.path.exists("/sys/bus/netdevsim/new_device"):
        return False
    with open("/sys/bus/netdevsim/new_device", "w") as f:
        f.write("%d 1 4" % i)
    d = "/sys/bus/netdevsim/devices/netdevsim%d/net" % i
    for _ in range(500):
        if os.path.isdir(d) and os.listdir(d):
            break
        time.sleep(0.01)
    name = os.listdir(d)[0]
    # a device the fuzzer named so may hold the name: then the new one
    # keeps the name the kernel gave it
    if name != NSIM[i] and subprocess.run(["ip", "link", "set", name, "name", NSIM[i]],
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL).returncode == 0:
        name = NSIM[i]
    sh("ip", "link", "set", name, "up")
    return True


def nsim_del(i):
    if not os.path.exists("/sys/bus/netdevsim/devices/netdevsim%d" % i):
        return False
    with open("/sys/bus/netdevsim/del_device", "w") as f:
        f.write("%d" % i)
    return True


# --- state dump ---------------------------------------------------------------
NSIDS = {}    # (ctx, nsid) -> ctx


def nsid_ctx(ctx, nsid):
    if (ctx, nsid) not in NSIDS:
        for other in CTXS:
            if other == ctx or not ALIVE[other]:
                continue
            e, _, r = MAIN.run(ctx, ("nl", NETLINK_ROUTE, RTM_GETNSID, 0,
                                    struct.pack("Bxxx", 0) + u32(NETNSA_FD, NSFD[other], "").enc()))
            if e == 0 and r:
                d = adict(r[0][1][4:])
                if NETNSA_NSID in d:
                    NSIDS[(ctx, struct.unpack("i", d[NETNSA_NSID][:4])[0])] = other
    return NSIDS.get((ctx, nsid), "?")


def dump_links(ctx):
    e, ext, r = MAIN.run(ctx, ("nl", NETLINK_ROUTE, RTM_GETLINK, F_DUMP,
                               ifinfo() + u32(IFLA["EXT_MASK"], 0, "").enc()))
    if e:
        raise OSError(e, "link dump in %s: %s" % (ctx, ext))
    links = []
    for t, body in r:
        if t != RTM_NEWLINK:
            continue
        fam, typ, idx, flags, _ = struct.unpack_from("BxHiII", body)
        links.append((idx, typ, flags, link_attrs(body[16:])))
    return links


def nk_data(a):
    """IFLA_NETKIT_* of a netkit, {} for a dummy, None for other devices."""
    li = adict(a.get(IFLA["LINKINFO"], b""))
    kind = li.get(INFO_KIND, b"").rstrip(b"\0")
    if kind == b"dummy":
        return {"KIND": "dummy"}
    if kind != b"netkit":
        return None
    out = {}
    for t, p in parse_attrs(li.get(INFO_DATA, b"")):
        n = NK_NAME.get(t, "A%d" % t)
        out[n] = int.from_bytes(p, "little") if len(p) in (1, 2, 4) else p.hex()
    return out


def getu(a, k):
    p = a.get(IFLA[k])
    return None if p is None else int.from_bytes(p[:4], "little")


def name_of(a):
    return a.get(IFLA["IFNAME"], b"?").rstrip(b"\0").decode(errors="replace")


STATE_LINKS = {}   # ctx -> {name: ifindex}, {ifindex: name}, [(name, data)]


def snapshot():
    """The normalised state of all contexts, as lines."""
    views = {}
    for c in CTXS:
        if ALIVE[c]:
            views[c] = dump_links(c)
    byidx = {c: {idx: name_of(a) for idx, _, _, a in v} for c, v in views.items()}
    lines = []
    STATE_LINKS.clear()
    for c, v in views.items():
        others, names, nks = [], {}, []
        for idx, typ, flags, a in v:
            nm = name_of(a)
            names[nm] = idx
            d = nk_data(a)
            if d is None:
                others.append(nm)
                continue
            nks.append((nm, d))
            peer = "-"
            lk = getu(a, "LINK")
            if lk and lk != idx:
                pc = c
                if IFLA["LINK_NETNSID"] in a:
                    pc = nsid_ctx(c, struct.unpack("i", a[IFLA["LINK_NETNSID"]][:4])[0])
                peer = "%s/%s" % (pc, byidx.get(pc, {}).get(lk, "?"))
            fl = flags & ~IFF_RUNNING
            f = ["%s=%s" % (k, getu(a, k)) for k in (
                "MTU", "MIN_MTU", "MAX_MTU", "TXQLEN", "NUM_TX_QUEUES", "NUM_RX_QUEUES",
                "GSO_MAX_SIZE", "GSO_MAX_SEGS", "GRO_MAX_SIZE", "TSO_MAX_SIZE", "TSO_MAX_SEGS",
                "CARRIER", "CARRIER_CHANGES", "PROMISCUITY", "ALLMULTI", "GROUP",
                "HEADROOM", "TAILROOM")]
            mac = fmt_mac(a.get(IFLA["ADDRESS"], b""))
            dd = " ".join("%s=%s" % kv for kv in sorted(d.items()))
            lines.append("  %s/%s type=%d flags=0x%x mac=%s peer=%s %s [%s]" % (
                c, nm, typ, fl, mac, peer, " ".join(f), dd))
            if d.get("PRIMARY") == 1:
                for at, an in ((AT_PRIMARY, "prim"), (AT_PEER, "peer")):
                    e, q, _ = MAIN.run(c, ("query", idx, at, 0, 64))
                    lines.append("    %s/%s bpf %s: %s" % (c, nm, an, fmt_query(e, q)))
        lines.append("  %s others: %s" % (c, " ".join(sorted(others))))
        STATE_LINKS[c] = (names, {i: n for n, i in names.items()}, nks)
        # queues (devices that are up), with their leases
        e, ext, r = MAIN.run(c, ("genl", ND_CMD_QUEUE_GET, F_DUMP, b""))
        qs = []
        for t, body in r:
            q = adict(body[4:])
            ifx = struct.unpack("I", q[Q_IFINDEX][:4])[0]
            qid = struct.unpack("I", q[Q_ID][:4])[0]
            qt = "rx" if struct.unpack("I", q[Q_TYPE][:4])[0] == 0 else "tx"
            s = "%s:%s%d" % (byidx[c].get(ifx, "?"), qt, qid)
            if Q_LEASE in q:
                lz = adict(q[Q_LEASE])
                lc = c
                if L_NETNS_ID in lz:
                    lc = nsid_ctx(c, struct.unpack("i", lz[L_NETNS_ID][:4])[0])
                lifx = struct.unpack("I", lz[L_IFINDEX][:4])[0]
                lq = adict(lz.get(L_QUEUE, b""))
                lqid = struct.unpack("I", lq[Q_ID][:4])[0] if Q_ID in lq else -1
                s += "->%s/%s:%d" % (lc, byidx.get(lc, {}).get(lifx, "?"), lqid)
            qs.append(s)
        if e:
            qs.append("dump:%s" % errname(e))
        lines.append("  %s queues: %s" % (c, " ".join(qs)))
    return lines


def fmt_query(e, q):
    if e:
        return errname(e)
    items = []
    for i, pid in enumerate(q["progs"]):
        lid = q["links"][i] if i < len(q["links"]) else 0
        s = PROG_NAMES.get(pid, "P?")
        if lid:
            s += "@" + LINK_NAMES.get(lid, "L?")
        items.append(s)
    return "count=%d rev=%d [%s]" % (q["count"], q["rev"], " ".join(items))


PROG_NAMES = {}
LINK_NAMES = {}    # link id -> symbolic name
LINKS = []         # [(name, ctx)] links created and not closed


# --- the generator -------------------------------------------------------------
class Gen:
    def __init__(self, rng):
        self.r = rng
        self.nlink = 0

    def ch(self, seq):
        return seq[self.r.randrange(len(seq))]

    def p(self, x):
        return self.r.random() < x

    def ctx(self):
        return self.ch(["init", "init", "init", "a", "b", "u"])

    def target(self, ctx):
        """(ifindex, label) of some device of ctx, or a bogus one."""
        names, _, nks = STATE_LINKS.get(ctx, ({}, {}, []))
        k = self.r.random()
        pick = self.r.randrange(1 << 30)
        if k < 0.75 and nks:
            nm = nks[pick % len(nks)][0]
        elif k < 0.85 and names:
            lst = sorted(names)
            nm = lst[pick % len(lst)]
        elif k < 0.93:
            # a device of another context, by its ifindex there
            oc = CTXS[pick % 4]
            onames = STATE_LINKS.get(oc, ({}, {}, []))[0]
            if not onames:
                return 0, "0"
            nm = sorted(onames)[pick % len(onames)]
            return onames[nm], "%s@%s" % (nm, oc)
        else:
            v = self.ch([0, 99999, 0x7fffffff, 0xffffffff])
            return v, str(v)
        return names[nm], nm

    def name(self):
        k = self.r.random()
        if k < 0.8:
            return self.ch(NAMES)
        return self.ch(["nk%d", "", "x" * 15, "x" * 16, "a/b", "lo", "nsim1", "p%d%d", " "])

    def mac(self):
        return self.ch(USER_MACS + BAD_MACS + ["short", "long"])

    def mac_attr(self, t):
        m = self.mac()
        if m == "short":
            return A(t, b"\x02\0\0\0\1", "ADDRESS=5B")
        if m == "long":
            return A(t, b"\x02\0\0\0\0\1\0", "ADDRESS=7B")
        return A(t, mac_bytes(m), "ADDRESS=" + m)

    def ns_ref(self, ctx):
        """IFLA_NET_NS_FD or IFLA_TARGET_NETNSID naming some netns."""
        oc = self.ch(CTXS)
        if self.p(0.8):
            return ifx_attr(IFLA["NET_NS_FD"], NSFD[oc], "NET_NS_FD=" + oc)
        v = self.ch([0, 1, 2, -1, 1000])
        return s32(IFLA["TARGET_NETNSID"], v, "TARGET_NETNSID")

    def u16v(self, vals):
        """One of vals, or now and then any u16."""
        r = self.r.randrange(1 << 16)
        return r if self.p(0.1) else self.ch(vals)

    def u32v(self, vals):
        """One of vals, or now and then any u32."""
        r = self.r.randrange(1 << 32)
        return r if self.p(0.04) else self.ch(vals)

    def nk_attrs(self, create):
        d = []
        p = 0.45 if create else 0.25
        if self.p(p):
            d.append(u32(NK["MODE"], self.u32v([0, 1, 1, 2]), "MODE"))
        if self.p(p):
            d.append(u32(NK["POLICY"], self.u32v([0, 0, 2, 2, 0xffffffff, 7, 1]), "POLICY"))
        if self.p(p):
            d.append(u32(NK["PEER_POLICY"], self.u32v([0, 0, 2, 2, 0xffffffff, 7, 1]), "PEER_POLICY"))
        if self.p(p * 0.6):
            d.append(u32(NK["SCRUB"], self.u32v([0, 1, 1, 2]), "SCRUB"))
        if self.p(p * 0.6):
            d.append(u32(NK["PEER_SCRUB"], self.u32v([0, 1, 1, 2]), "PEER_SCRUB"))
        if self.p(p * 0.5):
            d.append(u16(NK["HEADROOM"], self.u16v([0, 16, 64, 256, 32767, 32768, 65535]),
                         "HEADROOM"))
        if self.p(p * 0.5):
            d.append(u16(NK["TAILROOM"], self.ch([0, 16, 64, 65535]), "TAILROOM"))
        if self.p(p):
            d.append(u32(NK["PAIRING"], self.u32v([0, 0, 1, 1, 1, 2]), "PAIRING"))
        if self.p(0.05):
            d.append(u8(NK["PRIMARY"], self.ch([0, 1]), "PRIMARY"))
        if self.p(0.03):
            d.append(u32(self.ch([0, 11, 12, 200]), 1, "UNKNOWN"))
        if self.p(0.4 if create else 0.08):
            d.append(self.peer_info())
        self.r.shuffle(d)
        return d

    def peer_info(self):
        idx = self.ch([0] * 8 + [-1, 4242, 0x7fffffff])
        pa = []
        if self.p(0.7):
            pa.append(strz(IFLA["IFNAME"], self.name(), "IFNAME"))
        if self.p(0.15):
            pa.append(self.mac_attr(IFLA["ADDRESS"]))
        if self.p(0.15):
            pa.append(self.ns_ref("init"))
        if self.p(0.1):
            pa.append(u32(IFLA["MTU"], self.ch([68, 1280, 1500, 9000, 65535, 65536]), "MTU"))
        if self.p(0.1):
            pa.append(u32(IFLA["NUM_RX_QUEUES"], self.ch([0, 1, 2, 8, 1024, 1025]), "NUM_RX_QUEUES"))
        if self.p(0.05):
            pa.append(u32(IFLA["NUM_TX_QUEUES"], self.ch([0, 1, 2]), "NUM_TX_QUEUES"))
        if self.p(0.05):
            pa.append(u32(IFLA["TXQLEN"], self.ch([0, 1000]), "TXQLEN"))
        hdr = ifinfo(idx, self.ch([0, 0, IFF_UP]), self.ch([0, 0, IFF_UP]))
        a = A(NK["PEER_INFO"], hdr + enc_attrs(pa),
              "PEER_INFO{ifi=%d %s}" % (idx, " ".join(x.show() for x in pa)))
        if self.p(0.05):
            a.p = hdr[:self.ch([0, 4, 12])]
            a.d = "PEER_INFO{short ifinfomsg %d}" % len(a.p)
        return a

    def linkinfo(self, create, kind="netkit"):
        li = [strz(INFO_KIND, kind, "KIND")]
        if kind == "dummy":
            # dummy has no IFLA_INFO_DATA policy: the core ignores it.
            if self.p(0.3):
                li.append(nest(INFO_DATA, [u32(self.ch([0, 1, 2]), 7, "UNKNOWN")], "DATA"))
            return nest(IFLA["LINKINFO"], li, "LINKINFO")
        data = self.nk_attrs(create)
        if data or self.p(0.5):
            li.append(nest(INFO_DATA, data, "DATA"))
        return nest(IFLA["LINKINFO"], li, "LINKINFO")

    def mutate(self, attrs, depth=0):
        """Random damage to an attribute list (in place); returns what it did."""
        if not attrs:
            return []
        done = []
        for _ in range(1 + self.r.randrange(2)):
            i = self.r.randrange(len(attrs))
            a = attrs[i]
            if a.d.startswith("KIND"):     # an unknown kind means request_module()
                continue
            if isinstance(a.p, list) and a.p and self.p(0.6):
                done += self.mutate(a.p, depth + 1)
                continue
            m = self.ch(["trunc", "extend", "rand", "type", "dup", "drop", "badlen", "nested"])
            body = enc_attrs(a.p) if isinstance(a.p, list) else a.p
            if m == "trunc":
                a.p = body[:self.r.randrange(len(body) + 1)]
            elif m == "extend":
                a.p = body + bytes(self.r.randrange(256) for _ in range(self.ch([1, 2, 4, 8])))
            elif m == "rand":
                a.p = bytes(self.r.randrange(256) for _ in range(self.ch([0, 1, 2, 4, 4, 8, 16])))
            elif m == "type":
                if depth == 0:
                    a.t = self.ch([1, 2, 3, 4, 5, 13, 27, 28, 31, 32, 41, 47, 54, 69, 0, 200])
                else:
                    a.t = self.r.randrange(15)
            elif m == "dup":
                attrs.insert(i, a)
            elif m == "drop":
                attrs.pop(i)
            elif m == "badlen":
                a.rawlen = self.ch([0, 3, 5, 4 + len(body) + 4, 0xffff])
            elif m == "nested":
                a.t ^= NLA_F_NESTED
            if m in ("trunc", "extend", "rand"):
                a.d = "%s<%s:%s>" % (a.d.split("=")[0].split("{")[0], m, a.p.hex())
            elif m == "type":
                a.d = "%s<type=%d>" % (a.d.split("{")[0], a.t)
            elif m == "nested":
                a.d += "<nested>"
            done.append(m)
            if not attrs:
                break
        return done

    # each returns (ctx, label, op)
    def newlink(self):
        c = self.ctx()
        kind = self.ch(KINDS)
        tb = []
        if self.p(0.6):
            tb.append(strz(IFLA["IFNAME"], self.name(), "IFNAME"))
        if self.p(0.1 if kind == "netkit" else 0.4):
            tb.append(self.mac_attr(IFLA["ADDRESS"]))
        if self.p(0.07):
            tb.append(self.ns_ref(c))
        if self.p(0.1):
            tb.append(u32(IFLA["NUM_RX_QUEUES"], self.ch([0, 1, 2, 4, 1024, 1025]), "NUM_RX_QUEUES"))
        if self.p(0.07):
            tb.append(u32(IFLA["NUM_TX_QUEUES"], self.ch([0, 1, 2, 16]), "NUM_TX_QUEUES"))
        if self.p(0.05 if kind == "netkit" else 0.2):
            tb.append(u32(IFLA["MTU"], self.ch([0, 68, 1500, 9000, 65536, 1 << 20]), "MTU"))
        if self.p(0.03):
            tb.append(u32(IFLA["GSO_MAX_SIZE"], self.ch([1, 65536, 1 << 20]), "GSO_MAX_SIZE"))
        if kind == "dummy" and self.p(0.1):
            tb.append(u8(IFLA["CARRIER"], self.ch([0, 1]), "CARRIER"))
        tb.append(self.linkinfo(True, kind))
        self.r.shuffle(tb)
        mut = self.mutate(tb) if self.p(0.1) else []
        idx = self.ch([0] * 12 + [4242, 1, -3])
        fl = self.ch([F_CREATE | F_EXCL] * 6 + [F_CREATE, 0, F_CREATE | F_REPLACE])
        ifl = self.ch([0] * 3 + [IFF_UP])
        lab = "newlink flags=0x%x ifi=%d ifflags=0x%x %s%s" % (
            fl, idx, ifl, " ".join(a.show() for a in tb), " MUT=" + ",".join(mut) if mut else "")
        return c, lab, ("nl", NETLINK_ROUTE, RTM_NEWLINK, fl,
                        ifinfo(idx, ifl, ifl) + enc_attrs(tb))

    def changelink(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        tb = []
        byname = self.p(0.15)
        if byname:
            tb.append(strz(IFLA["IFNAME"], nm.split("@")[0], "IFNAME"))
            ifx = 0
        if self.p(0.85):
            tb.append(self.linkinfo(False, self.ch(KINDS)))
        if self.p(0.1):
            tb.append(self.mac_attr(IFLA["ADDRESS"]))
        if self.p(0.05):
            tb.append(u32(IFLA["MTU"], self.ch([68, 1500, 9000, 65536]), "MTU"))
        mut = self.mutate(tb) if self.p(0.15) else []
        ifl = self.ch([0, 0, IFF_UP])
        chg = self.ch([0, 0, IFF_UP])
        typ = self.ch([RTM_NEWLINK, RTM_NEWLINK, RTM_SETLINK])
        fl = self.ch([0, 0, F_REPLACE, F_CREATE])
        lab = "%s %s flags=0x%x ifflags=0x%x/0x%x %s%s" % (
            "newlink(change)" if typ == RTM_NEWLINK else "setlink", nm, fl, ifl, chg,
            " ".join(a.show() for a in tb), " MUT=" + ",".join(mut) if mut else "")
        return c, lab, ("nl", NETLINK_ROUTE, typ, fl, ifinfo(ifx, ifl, chg) + enc_attrs(tb))

    def setlink(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        k = self.r.randrange(7)
        tb, ifl, chg = [], 0, 0
        if k == 0:
            ifl, chg = IFF_UP, IFF_UP
            what = "up"
        elif k == 1:
            ifl, chg = 0, IFF_UP
            what = "down"
        elif k == 2:
            tb.append(self.ns_ref(c))
            what = "move"
        elif k == 3:
            tb.append(self.mac_attr(IFLA["ADDRESS"]))
            what = "mac"
        elif k == 4:
            tb.append(strz(IFLA["IFNAME"], self.name(), "IFNAME"))
            what = "rename"
        elif k == 5:
            tb.append(u8(IFLA["CARRIER"], self.ch([0, 1]), "CARRIER"))
            what = "carrier"
        else:
            tb.append(u32(IFLA["MTU"], self.ch([0, 67, 68, 1500, 9000, 65535, 65536, 1 << 20]),
                          "MTU"))
            what = "mtu"
        lab = "setlink(%s) %s ifflags=0x%x/0x%x %s" % (what, nm, ifl, chg,
                                                      " ".join(a.show() for a in tb))
        return c, lab, ("nl", NETLINK_ROUTE, RTM_SETLINK, 0, ifinfo(ifx, ifl, chg) + enc_attrs(tb))

    def dellink(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        tb = []
        if self.p(0.2):
            tb.append(strz(IFLA["IFNAME"], nm.split("@")[0], "IFNAME"))
            ifx = 0
        return c, "dellink %s %s" % (nm, " ".join(a.show() for a in tb)), (
            "nl", NETLINK_ROUTE, RTM_DELLINK, 0, ifinfo(ifx) + enc_attrs(tb))

    def getlink(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        tb = []
        if self.p(0.2):
            tb.append(strz(IFLA["IFNAME"], nm.split("@")[0], "IFNAME"))
            ifx = 0
        return c, "getlink %s %s" % (nm, " ".join(a.show() for a in tb)), (
            "nl", NETLINK_ROUTE, RTM_GETLINK, 0, ifinfo(ifx) + enc_attrs(tb))

    def atype(self):
        return self.ch([AT_PRIMARY] * 4 + [AT_PEER] * 4 + [AT_TCX_INGRESS, 0, 56])

    def bflags(self):
        k = self.r.random()
        if k < 0.5:
            return 0
        if k < 0.88:
            return self.ch([F_BEFORE, F_AFTER, F_BEFORE | F_ID, F_AFTER | F_ID, F_BEFORE | F_LINK,
                            F_AFTER | F_LINK, F_REPLACE_B, F_REPLACE_B | F_ID, F_BEFORE | F_AFTER])
        f = 0
        for b, _ in BPF_FLAGS:
            if self.p(0.2):
                f |= b
        if self.p(0.1):
            f |= 1 << self.r.randrange(32)
        return f

    def rel(self, c, fl=0):
        """relative_fd/id: a prog, a link, or a number."""
        kind = self.ch(["fd", "id", "none"])
        if fl & F_ID:
            kind = "id" if self.p(0.9) else kind
        elif fl & (F_BEFORE | F_AFTER | F_REPLACE_B):
            kind = "fd" if self.p(0.9) else kind
        elif self.p(0.8):
            kind = "zero"
        k = self.r.random()
        mine = [n for n, lc in LINKS if lc == owner(c)]
        pick = self.r.randrange(1 << 30)
        if kind == "zero":
            return 0, "none"
        if k < 0.5:
            ref = PROGS[pick % 5]
        elif k < 0.8 and mine:
            ref = mine[pick % len(mine)]
        else:
            ref = self.ch([0, 1, 77777])
        return ref, kind

    def rev(self, c, ifx, at):
        return self.ch([0] * 10 + [1, 2, 3, 4, 5, 1 << 40])

    def bpf_op(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        at = self.atype()
        k = self.r.randrange(10)
        prog = self.ch(["P0", "P1", "P2", "P3"] * 4 + ["X", 9999, 0])
        if k < 3:
            fl = self.bflags()
            rel, rk = self.rel(c, fl)
            repl = self.ch(["P0", "P1", "P2", "X", 0])
            rev = self.rev(c, ifx, at)
            lab = "attach %s at=%d prog=%s flags=%s repl=%s rel=%s/%s rev=%d" % (
                nm, at, prog, flags_str(fl), repl, rk, rel, rev)
            return c, lab, ("attach", ifx, prog, at, fl, repl, rel, rk, rev)
        if k < 5:
            fl = self.bflags()
            rel, rk = self.rel(c, fl)
            rev = self.rev(c, ifx, at)
            lab = "detach %s at=%d prog=%s flags=%s rel=%s/%s rev=%d" % (
                nm, at, prog, flags_str(fl), rk, rel, rev)
            return c, lab, ("detach", ifx, prog, at, fl, 0, rel, rk, rev)
        if k < 6:
            cnt = self.ch([0, 1, 64])
            return c, "query %s at=%d count=%d" % (nm, at, cnt), ("query", ifx, at, 0, cnt)
        if k < 8:
            fl = self.bflags()
            rel, rk = self.rel(c, fl)
            rev = self.rev(c, ifx, at)
            self.nlink += 1
            name = "L%d" % self.nlink
            lab = "link_create %s %s at=%d prog=%s flags=%s rel=%s/%s rev=%d" % (
                name, nm, at, prog, flags_str(fl), rk, rel, rev)
            return c, lab, ("link_create", name, prog, ifx, at, fl, rel, rk, rev)
        mine = [n for n, lc in LINKS if lc == owner(c)]
        pick = self.r.randrange(1 << 30)
        ln = mine[pick % len(mine)] if mine else "L0"
        sub = self.r.randrange(4)
        if sub == 0:
            fl = self.ch([0, 0, F_REPLACE_B, 1])
            old = self.ch(["P0", "P1", "P2", "P3", 0])
            return c, "link_update %s prog=%s flags=%s old=%s" % (ln, prog, flags_str(fl), old), \
                ("link_update", ln, prog, fl, old)
        if sub == 1:
            return c, "link_detach %s" % ln, ("link_detach", ln)
        if sub == 2:
            return c, "link_close %s" % ln, ("link_close", ln)
        return c, "link_info %s" % ln, ("link_info", ln)

    def queue_op(self):
        c = self.ctx()
        ifx, nm = self.target(c)
        if self.p(0.25):
            qid = self.ch([0, 1, 2, 5])
            qt = self.ch([0, 0, 1])
            a = [ifx_attr(Q_IFINDEX, ifx, "IFINDEX=" + nm), u32(Q_ID, qid, "ID"), u32(Q_TYPE, qt, "TYPE")]
            if self.p(0.2):
                a.pop(self.r.randrange(3))
            return c, "queue_get %s" % " ".join(x.show() for x in a), (
                "genl", ND_CMD_QUEUE_GET, 0, enc_attrs(a))
        # the lessor: a netdevsim of init (by its ifindex there), or anything
        names = STATE_LINKS.get("init", ({}, {}, []))[0]
        k = self.r.random()
        if k < 0.7:
            ln = self.ch(["nsim1", "nsim1", "nsim2"])
            lifx = names.get(ln, 0)
        else:
            lifx, ln = self.target(self.ch(CTXS))
        q = [u32(Q_ID, self.ch([0, 1, 1, 2, 3, 4]), "ID"), u32(Q_TYPE, self.ch([0] * 12 + [1]), "TYPE")]
        lease = [ifx_attr(L_IFINDEX, lifx, "IFINDEX=" + ln), nest(L_QUEUE | NLA_F_NESTED, q, "QUEUE")]
        if c != "init" and self.p(0.9) or self.p(0.1):
            # the init netns as seen from c: its nsid, looked up at run time
            lease.append(A(L_NETNS_ID, b"NSID", "NETNS_ID=init"))
        elif self.p(0.3):
            lease.append(s32(L_NETNS_ID, self.ch([-1, 0, 7]), "NETNS_ID"))
        a = [ifx_attr(Q_IFINDEX, ifx, "IFINDEX=" + nm), u32(Q_TYPE, self.ch([0] * 15 + [1]), "TYPE"),
             nest(Q_LEASE | NLA_F_NESTED, lease, "LEASE")]
        mut = self.mutate(a) if self.p(0.05) else []
        return c, "queue_create %s%s" % (" ".join(x.show() for x in a),
                                         " MUT=" + ",".join(mut) if mut else ""), \
            ("genl", ND_CMD_QUEUE_CREATE, 0, a)

    def world_op(self):
        k = self.r.randrange(10)
        if k < 6:
            c = self.ch(["a", "b", "u"])
            return None, "netns_del %s (and a new one)" % c, ("netns_del", c)
        i = self.ch([1, 2])
        if k < 8:
            return None, "nsim_del %d" % i, ("nsim_del", i)
        return None, "nsim_add %d" % i, ("nsim_add", i)

    def next(self):
        n = sum(len(v[2]) for v in STATE_LINKS.values())
        k = self.r.random()
        if n > 24 and k < 0.5:
            return self.dellink()
        w = [(0.24, self.newlink), (0.13, self.changelink), (0.1, self.setlink),
             (0.08, self.dellink), (0.04, self.getlink), (0.26, self.bpf_op),
             (0.1, self.queue_op), (0.05, self.world_op)]
        k = self.r.random() * sum(x for x, _ in w)
        for x, f in w:
            if k < x:
                return f()
            k -= x
        return self.getlink()


# --- running a request ----------------------------------------------------------
def resolve_nsid(ctx, attrs):
    """Fills the NETNS_ID placeholder with the init netns's id in ctx."""
    for a in attrs:
        if isinstance(a.p, list):
            resolve_nsid(ctx, a.p)
        elif a.p == b"NSID":
            nsid = -1
            if ctx != "init":
                nsid_ctx(ctx, -99)      # fills the table
                for (c, i), o in NSIDS.items():
                    if c == ctx and o == "init":
                        nsid = i
            a.p = struct.pack("i", nsid)


def ensure_nsid(ctx):
    """Makes sure ctx has an nsid for init (allocated as a lease dump would)."""
    if ctx == "init" or not ALIVE[ctx]:
        return
    MAIN.run(ctx, ("nl", NETLINK_ROUTE, 88, 0,          # RTM_NEWNSID, any free id
                   struct.pack("Bxxx", 0) + s32(NETNSA_NSID, -1, "").enc() +
                   u32(NETNSA_FD, NSFD["init"], "").enc()))


def run_req(ctx, op):
    kind = op[0]
    if ctx is not None and not ALIVE[ctx]:
        return "skip: netns %s not there" % ctx
    if kind in ("netns_del", "netns_add", "nsim_del", "nsim_add"):
        c = op[1]
        if kind == "netns_del":
            if not ALIVE[c]:
                return "noop"
            if c == "u":      # its links die with the executor
                LINKS[:] = [x for x in LINKS if x[1] != "u"]
            ns_delete(c)
            ns_create(c)
        elif kind == "nsim_del":
            return "OK" if nsim_del(c) else "noop"
        else:
            return "OK" if nsim_add(c) else "noop"
        return "OK"
    if kind == "genl" and op[1] == ND_CMD_QUEUE_CREATE:
        ensure_nsid(ctx)
        resolve_nsid(ctx, op[3])
        op = ("genl", op[1], op[2], enc_attrs(op[3]))
    e, ext, r = execute(ctx, op)
    s = errname(e) if e >= 0 else "E?"
    if "msg" in ext:
        s += " %r" % ext["msg"]
    for k in ("off", "miss_type", "miss_nest"):
        if k in ext:
            s += " %s=%d" % (k, ext[k])
    if "pol" in ext:
        s += " pol=" + ext["pol"]
    if kind == "link_create" and e == 0:
        LINKS.append((op[1], owner(ctx)))
        LINK_NAMES[ext["id"]] = op[1]
    elif kind == "link_close" and e == 0:
        LINKS.remove((op[1], owner(ctx)))
    elif kind == "query" and e == 0:
        s += " " + fmt_query(0, ext)
    elif kind == "link_info" and e == 0:
        s += " attached=%d at=%d prog=%s" % (ext["ifindex"] != 0, ext["at"],
                                             PROG_NAMES.get(ext["prog"], "P?"))
    elif kind == "nl" and op[2] == RTM_GETLINK and e == 0 and r:
        a = adict(r[0][1][16:])
        s += " %s %s" % (name_of(a), nk_data(a))
    elif kind == "genl" and e == 0 and r:
        q = adict(r[0][1][4:])
        s += " " + " ".join("%d=%s" % (t, p.hex() if t != Q_LEASE else "lease")
                            for t, p in sorted(q.items()) if t not in (Q_IFINDEX,))
    return s


def read_only(op):
    """Requests that change nothing (no dump needed after them)."""
    return op[0] in ("query", "link_info") or \
        (op[0] == "nl" and op[2] == RTM_GETLINK) or \
        (op[0] == "genl" and op[1] == ND_CMD_QUEUE_GET)


def dump_after(op, res):
    """Whether the state is dumped after op: after a success, and after a
    failed SETLINK or NEWLINK without NLM_F_EXCL (do_setlink applies what
    it can before it fails). A change made by any other failed request
    shows in the next dump."""
    if read_only(op):
        return False
    if res.startswith("OK"):
        return True
    return op[0] == "nl" and (op[2] == RTM_SETLINK or op[2] == RTM_NEWLINK and not op[3] & F_EXCL)


def reset():
    """Back to a fixed world: no netkit, no link, fresh netns a, b and u,
    both netdevsims present and up without leases."""
    global LINKS
    for c in CTXS:
        if not ALIVE[c]:
            continue
        for _ in range(3):
            left = [(i, typ, a) for i, typ, f, a in dump_links(c) if nk_data(a) is not None]
            if not left:
                break
            for i, _, a in left:
                MAIN.run(c, ("nl", NETLINK_ROUTE, RTM_DELLINK, 0, ifinfo(i)))
    for fd in MAIN.links.values():
        os.close(fd)
    LINKS = []
    MAIN.links.clear()
    for c in ("a", "b", "u"):
        if ALIVE[c]:
            ns_delete(c, sync=False)
    # fresh netdevsims: the last epoch may have renamed, moved or downed them
    for i in (1, 2):
        nsim_del(i)
        nsim_add(i)
    for c in ("a", "b", "u"):
        ns_create(c)


def main():
    global SEED
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for c in ("a", "b"):
        subprocess.run(["ip", "netns", "del", "fz" + c], stderr=subprocess.DEVNULL)
    # udev renames and re-addresses devices on its own time: keep it out
    subprocess.run(["udevadm", "settle"], check=False)
    subprocess.run(["udevadm", "control", "--stop-exec-queue"], check=False)
    fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    os.dup2(fd, NSFD["init"])
    os.close(fd)
    for c in ("a", "b", "u"):
        os.dup2(DEVNULL, NSFD[c])
    for i, (pt, ret) in enumerate([(SCHED_CLS, 0), (SCHED_CLS, 2), (SCHED_CLS, -1),
                                   (SCHED_CLS, 0), (XDP, 2)]):
        fd = prog_load(pt, ret)
        os.dup2(fd, PROGFD + i)
        os.close(fd)
        pid = obj_id(PROGFD + i)[0]
        PROG_IDS[PROGS[i]] = pid
        PROG_NAMES[pid] = PROGS[i]

    out = open(OUT, "w")
    out.write("# netkit fuzz seed=%d n=%d epoch=%d\n" % (SEED, N, EPOCH))
    t0 = time.monotonic()
    prev = None
    gen = None
    stats = {}
    spent = {"reset": 0.0, "request": 0.0, "dump": 0.0}
    for i in range(N):
        t = time.monotonic()
        if i % EPOCH == 0:
            reset()
            gen = Gen(random.Random("%d:%d" % (SEED, i // EPOCH)))
            out.write("## epoch %d\n" % (i // EPOCH))
            prev = snapshot()
            out.write("\n".join(prev) + "\n")
        t1 = time.monotonic()
        ctx, label, op = gen.next()
        res = run_req(ctx, op)
        stats[res.split(" ")[0]] = stats.get(res.split(" ")[0], 0) + 1
        out.write("#%d %s %s -> %s\n" % (i, ctx or "-", label, res))
        t2 = time.monotonic()
        if dump_after(op, res):
            st = snapshot()
            if st != prev:
                out.write("\n".join(st) + "\n")
                prev = st
        spent["reset"] += t1 - t
        spent["request"] += t2 - t1
        spent["dump"] += time.monotonic() - t2
        if (i + 1) % 1000 == 0:
            out.flush()
            print("[fuzz] %d/%d requests, %.0fs" % (i + 1, N, time.monotonic() - t0), flush=True)
    reset()
    out.write("# end\n")
    out.close()
    subprocess.run(["udevadm", "control", "--start-exec-queue"], check=False)
    top = sorted(stats.items(), key=lambda kv: -kv[1])[:8]
    print("[fuzz] %d requests in %.0fs (%s); answers: %s" % (
        N, time.monotonic() - t0, ", ".join("%s %.0fs" % kv for kv in spent.items()),
        " ".join("%s=%d" % kv for kv in top)), flush=True)


if __name__ == "__main__":
    main()
