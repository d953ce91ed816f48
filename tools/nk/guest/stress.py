#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netkit race stress, run in the VM by `make stress` (tools/nk/stress.sh)
and, bounded to a minute, by `make check` (stress.short).

Worker processes run side by side for NK_STRESS_SECS seconds, or until
the pairs and singles workers have made NK_STRESS_CYCLES create/delete
cycles between them when that is set:
  pairs    netkit pairs as pods are made (L2 or L3, peer in a fresh netns),
           a bpf_link on the primary, a program attached to the peer, the
           link updated; torn down by deleting the primary, by moving it to
           a second netns, or by dropping the pod's netns. A link updated
           after its device was deleted must get ENOLINK.
  singles  single netkit devices with a netdevsim rx queue leased into them
           (netdev queue-create), moved into a fresh netns; torn down by
           deleting the device, by dropping the netns, or by deleting the
           netdevsim lessor under the lease.
  traffic  flood ping through a long-lived L3 pair while programs are
           attached, detached, linked, updated and unlinked on both sides,
           each answer checked against a model of what is attached.
  mover    moves the pairs worker's devices into netns of its own and
           deletes devices and netns under it.
A worker fails on an answer its step does not allow: only the pairs
workers and the mover race, and may get ENODEV (the pairs workers also
ENOLINK, when their device is gone). Afterwards no netkit
and no lease may be left, the net namespaces made must be freed (to
within NETNS_SLACK struct net objects the slab still counts), the
unreclaimable slab and per-cpu memory must be back near the baseline
(not checked under KASAN, whose quarantine keeps freed objects), and
kmemleak (when the kernel has it) must report nothing new. Prints the
slab caches that grew most and one "stress:" summary line with the cycle
counts; exits 1 on a failure.
"""

import errno
import gzip
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz as fz  # noqa: E402  pylint: disable=wrong-import-position

SECS = float(os.environ.get("NK_STRESS_SECS", "600"))
CYCLES = int(os.environ.get("NK_STRESS_CYCLES", "0") or "0")
SEED = int(os.environ.get("NK_STRESS_SEED", "1"))
OUT = os.path.join(os.environ.get("NK_RUN", "/tmp"), "stress.txt")

IFLA, NK = fz.IFLA, fz.NK
L2, L3 = 0, 1
SINGLE = 1
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
AT_PRIMARY, AT_PEER = fz.AT_PRIMARY, fz.AT_PEER
NSIM_BASE = 20          # netdevsim ids of the singles workers
# Slack for memory that stays cached after the churn (partial slabs,
# per-cpu chunks); one leaked netkit pair per cycle would be far above it.
SLAB_SLACK_KIB = int(os.environ.get("NK_STRESS_SLAB_SLACK_KIB", "8192"))

# Each counting worker's cycles, one u64 slot each, shared across the forks.
SLOTS = 64
COUNTS = mmap.mmap(-1, 8 * SLOTS)


def goal_reached():
    return CYCLES > 0 and sum(struct.unpack_from("%dQ" % SLOTS, COUNTS)) >= CYCLES


# Freed struct net objects the slab still counts (seen: 1 after a single
# netns came and went); a netns leaked per cycle is far above it.
NETNS_SLACK = 8

INIT_NS = os.open("/proc/self/ns/net", os.O_RDONLY)


class Fail(Exception):
    pass


def new_netns():
    """A fresh network namespace, held only by the returned fd."""
    os.unshare(os.CLONE_NEWNET)
    fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    os.setns(INIT_NS, os.CLONE_NEWNET)
    return fd


def nk_link(name, mode, pairing=None, peer=None, rxq=None):
    info = [fz.u32(NK["MODE"], mode, "")]
    if pairing is not None:
        info.append(fz.u32(NK["PAIRING"], pairing, ""))
    if peer is not None:
        info.append(fz.A(NK["PEER_INFO"], fz.ifinfo() + fz.enc_attrs(peer), ""))
    a = [fz.strz(IFLA["IFNAME"], name, "")]
    if rxq is not None:
        a.append(fz.u32(IFLA["NUM_RX_QUEUES"], rxq, ""))
    a.append(fz.nest(IFLA["LINKINFO"], [fz.strz(fz.INFO_KIND, "netkit", ""),
                                       fz.nest(fz.INFO_DATA, info, "")], ""))
    return fz.ifinfo() + fz.enc_attrs(a)


class Worker:
    """One process: its netlink sockets, its tally of answers per step."""

    # errnos a step may get from races (the mover, a dying netns)
    RACY = ()

    def __init__(self, name, idx, slot=None):
        self.name, self.idx, self.slot = name, idx, slot
        self.r = random.Random("%d:%s:%d" % (SEED, name, idx))
        self.rt = fz.NL(fz.NETLINK_ROUTE)
        self.gn = fz.NL(fz.NETLINK_GENERIC)
        self.tally = {}
        self.cycles = 0

    def note(self, step, e):
        k = "%s:%s" % (step, fz.errname(e))
        self.tally[k] = self.tally.get(k, 0) + 1

    def check(self, step, e, ext=None, allow=()):
        """Counts the answer; fails unless it is 0 or in allow/RACY."""
        self.note(step, e)
        if e and e not in allow and e not in self.RACY:
            raise Fail("%s: %s %s" % (step, fz.errname(e), (ext or {}).get("msg", "")))
        return e

    def rtnl(self, step, typ, flags, payload, allow=()):
        e, ext, r = self.rt.req(typ, flags, payload)
        self.check(step, e, ext, allow)
        return e, r

    def ifindex(self, name):
        e, _, r = self.rt.req(RTM_GETLINK, 0, fz.ifinfo() + fz.strz(IFLA["IFNAME"], name, "").enc())
        if e:
            return 0, e
        return struct.unpack_from("i", r[0][1], 4)[0], 0

    def bpf(self, step, cmd, attr, allow=()):
        r, e, _ = fz.bpf(cmd, attr.ljust(144, b"\0"))
        self.check(step, e, None, allow)
        return r, e

    def link_create(self, prog, ifx, at, allow=()):
        attr = struct.pack("IIIIIIQ", prog, ifx, at, 0, 0, 0, 0)
        return self.bpf("link_create", fz.BPF_LINK_CREATE, attr, allow)

    def link_update(self, step, link, prog, allow=()):
        return self.bpf(step, fz.BPF_LINK_UPDATE, struct.pack("IIII", link, prog, 0, 0), allow)

    def prog_attach(self, step, ifx, prog, at, detach=False, allow=()):
        attr = struct.pack("IIIIIIQ", ifx, prog, at, 0, 0, 0, 0)
        return self.bpf(step, fz.BPF_PROG_DETACH if detach else fz.BPF_PROG_ATTACH, attr, allow)

    def run(self):
        t_end = time.monotonic() + SECS
        while time.monotonic() < t_end and not goal_reached():
            self.cycle()
            self.cycles += 1
            if self.slot is not None:
                struct.pack_into("Q", COUNTS, 8 * self.slot, self.cycles)

    def cycle(self):
        raise NotImplementedError


P_PASS, P_DROP, P_NEXT, P_PASS2 = (fz.PROGFD + i for i in range(4))


class Pairs(Worker):
    # the mover may have moved or deleted the device; a link then is defunct
    RACY = (errno.ENODEV, errno.ENOLINK)

    def cycle(self):
        i = self.cycles % 10000
        name, peer = "sp%dx%d" % (self.idx, i), "sq%dx%d" % (self.idx, i)
        ns = new_netns()
        try:
            mode = self.r.choice((L2, L3))
            pa = [fz.strz(IFLA["IFNAME"], peer, ""), fz.u32(IFLA["NET_NS_FD"], ns, "")]
            # no race yet: the name is new and nobody knows it
            self.rtnl("newlink", RTM_NEWLINK, fz.F_CREATE | fz.F_EXCL, nk_link(name, mode, peer=pa))
            ifx, e = self.ifindex(name)
            if e:
                self.note("getlink", e)
                return
            link, e = self.link_create(P_PASS, ifx, AT_PRIMARY)
            try:
                self.prog_attach("attach_peer", ifx, P_PASS2, AT_PEER)
                self.rtnl("up", RTM_SETLINK, 0, fz.ifinfo(ifx, fz.IFF_UP, fz.IFF_UP))
                if link >= 0:
                    _, e = self.link_update("link_update", link, P_NEXT)
                    # defunct only if the mover deleted the device (or
                    # moved it away and deleted its netns)
                    if e == errno.ENOLINK and self.ifindex(name)[0] == ifx:
                        raise Fail("link update: ENOLINK while %s is still there" % name)
                how = self.r.randrange(3)
                if how == 0:
                    e, _ = self.rtnl("dellink", RTM_DELLINK, 0, fz.ifinfo(ifx))
                    if e == 0 and link >= 0:
                        # the device is gone: the link is defunct
                        _, e = self.link_update("update_after_del", link, P_PASS)
                        if e != errno.ENOLINK:
                            raise Fail("link update after dellink: %s, not ENOLINK" % fz.errname(e))
                elif how == 1:
                    ns2 = new_netns()
                    try:
                        self.rtnl("move", RTM_SETLINK, 0, fz.ifinfo(ifx) +
                                  fz.u32(IFLA["NET_NS_FD"], ns2, "").enc())
                    finally:
                        os.close(ns2)
                # how == 2: the pod's netns goes below, and the pair with it
            finally:
                if link >= 0:
                    os.close(link)
        finally:
            os.close(ns)


class Mover(Worker):
    # the pairs worker may have deleted the device since the dump
    RACY = (errno.ENODEV,)

    def cycle(self):
        # the pairs workers' primaries now in init
        e, _, r = self.rt.req(RTM_GETLINK, fz.F_DUMP, fz.ifinfo() + fz.u32(IFLA["EXT_MASK"], 0, "").enc())
        self.check("dump", e)
        cands = []
        for t, body in r:
            if t != RTM_NEWLINK:
                continue
            idx = struct.unpack_from("i", body, 4)[0]
            nm = fz.name_of(fz.adict(body[16:]))
            if nm.startswith("sp"):
                cands.append(idx)
        if not cands:
            time.sleep(0.05)
            return
        ifx = self.r.choice(cands)
        if self.r.random() < 0.5:
            self.rtnl("del", RTM_DELLINK, 0, fz.ifinfo(ifx))
        else:
            ns = new_netns()
            try:
                self.rtnl("move", RTM_SETLINK, 0, fz.ifinfo(ifx) + fz.u32(IFLA["NET_NS_FD"], ns, "").enc())
            finally:
                os.close(ns)
        time.sleep(self.r.random() * 0.2)


def nsim_new(nid, queues=4):
    """Creates netdevsim NID with one port; returns its (name, ifindex).
    udev, which renames netdevsim ports, must be stopped (udev_hold)."""
    with open("/sys/bus/netdevsim/new_device", "w") as f:
        f.write("%d 1 %d" % (nid, queues))
    d = "/sys/bus/netdevsim/devices/netdevsim%d/net" % nid
    for _ in range(3000):
        try:
            name = os.listdir(d)[0]
            with open("/sys/class/net/%s/ifindex" % name) as f:
                return name, int(f.read())
        except (OSError, IndexError):
            time.sleep(0.01)
    raise Fail("netdevsim %d: no netdev after 30s" % nid)


def nsim_gone(nid):
    if os.path.exists("/sys/bus/netdevsim/devices/netdevsim%d" % nid):
        with open("/sys/bus/netdevsim/del_device", "w") as f:
            f.write("%d" % nid)


class Singles(Worker):
    def __init__(self, name, idx, slot=None):
        super().__init__(name, idx, slot)
        self.nid = NSIM_BASE + idx
        self.lessor = None

    def lessor_up(self):
        if self.lessor is None:
            nm, ifx = nsim_new(self.nid)
            self.rtnl("nsim_up", RTM_SETLINK, 0, fz.ifinfo(ifx, fz.IFF_UP, fz.IFF_UP))
            self.lessor = ifx
        return self.lessor

    def lease(self, nk, phys, q):
        a = [fz.u32(fz.Q_IFINDEX, nk, ""), fz.u32(fz.Q_TYPE, 0, ""),
             fz.nest(fz.Q_LEASE | fz.NLA_F_NESTED, [
                 fz.u32(fz.L_IFINDEX, phys, ""),
                 fz.nest(fz.L_QUEUE | fz.NLA_F_NESTED, [fz.u32(fz.Q_ID, q, ""), fz.u32(fz.Q_TYPE, 0, "")], "")],
                 "")]
        e, ext, r = self.gn.genl(fz.ND_CMD_QUEUE_CREATE, 0, fz.enc_attrs(a))
        self.check("lease", e, ext)
        return e

    def leased(self, phys, q):
        """The netdev queue-get view: is rx queue q of phys leased?"""
        a = [fz.u32(fz.Q_IFINDEX, phys, ""), fz.u32(fz.Q_ID, q, ""), fz.u32(fz.Q_TYPE, 0, "")]
        e, ext, r = self.gn.genl(fz.ND_CMD_QUEUE_GET, 0, fz.enc_attrs(a))
        self.check("queue_get", e, ext)
        return fz.Q_LEASE in fz.adict(r[0][1][4:])

    def cycle(self):
        i = self.cycles % 10000
        name = "ss%dx%d" % (self.idx, i)
        phys = self.lessor_up()
        self.rtnl("newlink", RTM_NEWLINK, fz.F_CREATE | fz.F_EXCL, nk_link(name, L2, SINGLE, rxq=4))
        ifx, e = self.ifindex(name)
        self.check("getlink", e)
        self.rtnl("up", RTM_SETLINK, 0, fz.ifinfo(ifx, fz.IFF_UP, fz.IFF_UP))
        q = 1 + self.r.randrange(3)
        # a lease held in a netns that was dropped ends when the netns'
        # cleanup has run
        t0 = time.monotonic()
        while self.leased(phys, q):
            if time.monotonic() - t0 > 120:
                raise Fail("queue %d still leased 120s after its netns was dropped" % q)
            time.sleep(0.05)
        self.lease(ifx, phys, q)
        if not self.leased(phys, q):
            raise Fail("queue %d of the lessor not leased after queue-create" % q)
        how = self.r.randrange(4)
        if how == 0:
            self.rtnl("dellink", RTM_DELLINK, 0, fz.ifinfo(ifx))
            if self.leased(phys, q):
                raise Fail("queue %d still leased after its netkit was deleted" % q)
            return
        ns = new_netns()
        try:
            self.rtnl("move", RTM_SETLINK, 0, fz.ifinfo(ifx) + fz.u32(IFLA["NET_NS_FD"], ns, "").enc())
            if how == 1:
                # the lessor goes while the lease is held from another netns
                nsim_gone(self.nid)
                self.lessor = None
            # how 2, 3: dropping the netns deletes the device and its lease
        finally:
            os.close(ns)


class Traffic(Worker):
    """Programs come and go on a pair that carries a flood ping."""

    PROGS = (P_PASS, P_NEXT, P_PASS2)

    def __init__(self, name, idx, slot=None):
        super().__init__(name, idx, slot)
        self.ifx = 0
        self.attached = {AT_PRIMARY: {}, AT_PEER: {}}   # prog fd -> link fd or None

    def setup(self):
        sh = fz.sh
        sh("ip", "netns", "add", "nkst")
        sh("ip", "link", "add", "st0", "type", "netkit", "mode", "l3", "peer", "name", "st1", "netns", "nkst")
        sh("ip", "addr", "add", "10.99.0.1/24", "dev", "st0")
        sh("ip", "link", "set", "st0", "up")
        sh("ip", "-n", "nkst", "addr", "add", "10.99.0.2/24", "dev", "st1")
        sh("ip", "-n", "nkst", "link", "set", "st1", "up")
        sh("ip", "-n", "nkst", "link", "set", "lo", "up")
        self.ifx, _ = self.ifindex("st0")

    def run(self):
        self.setup()
        ping = subprocess.Popen(["ping", "-f", "-q", "-w", str(int(SECS) + 1), "10.99.0.2"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            super().run()
        except BaseException:
            ping.kill()
            raise
        finally:
            # stopped early by the cycle goal: SIGINT makes ping summarise
            if ping.poll() is None:
                ping.send_signal(signal.SIGINT)
            ping.wait()
        out = ping.stdout.read().decode()
        rx = [ln for ln in out.splitlines() if "received" in ln]
        got = int(rx[0].split(",")[1].split()[0]) if rx else 0
        self.tally["ping_received"] = got
        if got == 0:
            raise Fail("no ping reply got through the pair: %s" % out.strip())

    def cycle(self):
        at = self.r.choice((AT_PRIMARY, AT_PEER))
        on = self.attached[at]
        prog = self.r.choice(self.PROGS)
        k = self.r.randrange(4)
        if prog not in on:
            if k < 2:
                self.prog_attach("attach", self.ifx, prog, at)
                on[prog] = None
            else:
                link, _ = self.link_create(prog, self.ifx, at)
                on[prog] = link
            return
        link = on[prog]
        if link is None:
            self.prog_attach("detach", self.ifx, prog, at, detach=True)
            del on[prog]
            return
        if k == 0:
            # the link moves to a program not attached there yet
            free = [p for p in self.PROGS if p not in on]
            if free:
                self.link_update("link_update", link, free[0])
                on[free[0]] = on.pop(prog)
                return
        if k == 1:
            self.bpf("link_detach", fz.BPF_LINK_DETACH, struct.pack("I", link))
        os.close(link)
        del on[prog]

    def teardown(self):
        for on in self.attached.values():
            for link in on.values():
                if link is not None:
                    os.close(link)
        fz.sh("ip", "link", "del", "st0")
        fz.sh("ip", "netns", "del", "nkst")


# --- the parent -----------------------------------------------------------------
def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for ln in f:
            k, v = ln.split(":")
            out[k] = int(v.split()[0])
    return out


def slab_kib():
    """KiB of slabs per slab cache (merged caches once, under the first of
    their names), for the report of what grew."""
    d = "/sys/kernel/slab"
    out = {}
    # a merged cache's unique id (":0000032") after its names
    for n in sorted(os.listdir(d), key=lambda n: (n.startswith(":"), n)):
        p = os.path.realpath(os.path.join(d, n))
        key = os.path.basename(p)
        if key in out:
            continue
        try:
            with open(p + "/slabs") as f:
                slabs = int(f.read().split()[0])
            with open(p + "/order") as f:
                order = int(f.read())
        except OSError:
            continue
        out[key] = (n, (slabs * mmap.PAGESIZE << order) // 1024)
    return out


def netns_count():
    """Allocated struct net objects (the net_namespace slab cache, which
    must not be merged with another cache for the count to mean that)."""
    d = "/sys/kernel/slab"
    p = os.path.realpath(d + "/net_namespace")
    # a mergeable cache is a link to its unique id (debug kernels' caches
    # are not mergeable: a directory); another name there would be a cache
    # merged with it
    if os.path.islink(d + "/net_namespace"):
        names = [n for n in os.listdir(d) if n != os.path.basename(p) and os.path.realpath(d + "/" + n) == p]
        if names != ["net_namespace"]:
            raise Fail("net_namespace slab cache shared with %s: net namespaces cannot be counted" % names)
    # freed objects wait in per-cpu sheaves (and KASAN's quarantine) and
    # still count as objects until the cache is shrunk
    with open(p + "/shrink", "w") as f:
        f.write("1")
    with open(p + "/objects") as f:
        return int(f.read().split()[0])


UDEV_HELD = []


def udev_hold(hold):
    """Stops (or restarts) udev's event processing: under the churn it
    would rename devices while the workers use them."""
    subprocess.run(["udevadm", "control", "--stop-exec-queue" if hold else "--start-exec-queue"],
                   check=False)
    UDEV_HELD[:] = [True] if hold else []


def settle():
    """Lets deferred frees (netns cleanup, RCU) finish, then drops caches
    and shrinks every slab cache."""
    if not UDEV_HELD:
        subprocess.run(["udevadm", "settle", "--timeout=120"], check=False)
    time.sleep(2)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")
    for c in os.listdir("/sys/kernel/slab"):
        try:
            with open("/sys/kernel/slab/%s/shrink" % c, "w") as f:
                f.write("1")
        except OSError:
            pass
    time.sleep(1)


def kconfig(sym):
    with gzip.open("/proc/config.gz", "rt") as f:
        return any(ln.strip() == sym + "=y" for ln in f)


KMEMLEAK = "/sys/kernel/debug/kmemleak"


def kmemleak(cmd):
    if not os.access(KMEMLEAK, os.W_OK):
        return None
    with open(KMEMLEAK, "w") as f:
        f.write(cmd)
    with open(KMEMLEAK) as f:
        return f.read()


def netkits_and_leases():
    """Netkit devices in the initial netns and leased netdevsim queues."""
    rt, gn = fz.NL(fz.NETLINK_ROUTE), fz.NL(fz.NETLINK_GENERIC)
    left = []
    e, _, r = rt.req(RTM_GETLINK, fz.F_DUMP, fz.ifinfo() + fz.u32(IFLA["EXT_MASK"], 0, "").enc())
    for t, body in r:
        a = fz.adict(body[16:])
        if t == RTM_NEWLINK and fz.nk_data(a) is not None:
            left.append("netkit " + fz.name_of(a))
    e, _, r = gn.genl(fz.ND_CMD_QUEUE_GET, fz.F_DUMP, b"")
    for t, body in r:
        q = fz.adict(body[4:])
        if fz.Q_LEASE in q:
            left.append("lease on ifindex %d queue %d" % (
                struct.unpack("I", q[fz.Q_IFINDEX][:4])[0], struct.unpack("I", q[fz.Q_ID][:4])[0]))
    rt.close()
    gn.close()
    return left


def spawn(cls, name, idx, slot=None):
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rd)
        w = cls(name, idx, slot)
        res = "ok"
        try:
            w.run()
        except Fail as ex:
            res = "FAIL %s" % ex
        except Exception as ex:  # pylint: disable=broad-except
            res = "FAIL %r" % ex
        try:
            if isinstance(w, Traffic):
                w.teardown()
        except Exception as ex:  # pylint: disable=broad-except
            res = ("FAIL" if res == "ok" else res + ";") + " teardown %r" % ex
        tally = " ".join("%s=%d" % kv for kv in sorted(w.tally.items()))
        os.write(wr, ("%s %s cycles=%d %s\n" % (res, name, w.cycles, tally)).encode())
        os._exit(0)
    os.close(wr)
    return pid, rd, name


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    fails = []
    # the programs every worker uses, at fixed fd numbers (fuzz.py's set)
    for i, ret in enumerate((0, 2, -1, 0)):
        fd = fz.prog_load(fz.SCHED_CLS, ret)
        os.dup2(fd, fz.PROGFD + i)
        os.close(fd)
    # freed net namespaces linger (per-cpu slab caches, deferred cleanup):
    # one round first, so that the baseline has what a round leaves
    fds = [new_netns() for _ in range(8)]
    for fd in fds:
        os.close(fd)
    time.sleep(5)
    settle()
    kmemleak("scan")
    kmemleak("clear")
    m0, ns0, s0 = meminfo(), netns_count(), slab_kib()
    udev_hold(True)
    t0 = time.monotonic()

    nw = int(os.environ.get("NK_STRESS_PAIRS", "2"))
    ns = int(os.environ.get("NK_STRESS_SINGLES", "1"))
    if nw + ns > SLOTS:
        sys.exit("stress: at most %d pairs and singles workers" % SLOTS)
    kids = [spawn(Pairs, "pairs%d" % i, i, i) for i in range(nw)]
    kids += [spawn(Singles, "singles%d" % i, i, nw + i) for i in range(ns)]
    kids += [spawn(Traffic, "traffic", 0), spawn(Mover, "mover", 0)]
    cycles = {}
    lines = []
    for pid, rd, name in kids:
        with os.fdopen(rd) as f:
            ln = f.read().strip()
        _, st = os.waitpid(pid, 0)
        if not ln:
            ln = "FAIL %s died (wait status %d)" % (name, st)
        lines.append(ln)
        if ln.startswith("FAIL"):
            fails.append(ln)
        for w in ln.split():
            if w.startswith("cycles="):
                cycles[name.rstrip("0123456789")] = cycles.get(name.rstrip("0123456789"), 0) + int(w[7:])
    secs = time.monotonic() - t0
    udev_hold(False)

    # everything made must be gone once the deferred work has run; the
    # lessors stay until then, so that a lease left on them shows
    deadline = time.monotonic() + 300
    while True:
        settle()
        left = netkits_and_leases()
        ns1 = netns_count()
        if (not left and ns1 <= ns0 + NETNS_SLACK) or time.monotonic() > deadline:
            break
    for i in range(8):
        nsim_gone(NSIM_BASE + i)
    if left:
        fails.append("left behind: " + ", ".join(left))
    if ns1 > ns0 + NETNS_SLACK:
        fails.append("net namespaces: %d allocated before, %d after" % (ns0, ns1))
    m1, s1 = meminfo(), slab_kib()
    grow = {k: m1[k] - m0[k] for k in ("SUnreclaim", "Percpu")}
    sgrow = sorted(((v[1] - s0.get(k, (v[0], 0))[1], v[0]) for k, v in s1.items()), reverse=True)
    # KASAN's quarantine keeps freed objects in their slabs: there the
    # leak check is kmemleak's alone
    if not kconfig("CONFIG_KASAN"):
        for k, d in grow.items():
            if d > SLAB_SLACK_KIB:
                fails.append("%s grew by %d KiB (more than %d)" % (k, d, SLAB_SLACK_KIB))
    leak = kmemleak("scan")
    if leak is not None:
        time.sleep(6)
        leak = kmemleak("scan")
        if leak.strip():
            fails.append("kmemleak: " + leak[:4000])

    total = cycles.get("pairs", 0) + cycles.get("singles", 0)
    summary = ("stress: %.0fs, %d create/delete cycles (pairs %d, singles with a lease %d), "
               "traffic ops %d, mover ops %d; SUnreclaim %+d KiB, Percpu %+d KiB; %s" % (
                   secs, total, cycles.get("pairs", 0), cycles.get("singles", 0), cycles.get("traffic", 0),
                   cycles.get("mover", 0), grow["SUnreclaim"], grow["Percpu"],
                   "FAIL" if fails else "ok"))
    if CYCLES and total < CYCLES:
        summary += " (goal of %d cycles not reached in %.0fs)" % (CYCLES, SECS)
    slabs = "slab caches that grew most (KiB): " + ", ".join("%s %+d" % (n, g) for g, n in sgrow[:8] if g > 0)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
        for x in fails:
            f.write("FAIL: %s\n" % x)
        f.write(slabs + "\n")
        f.write(summary + "\n")
    for x in lines:
        print("# " + x)
    for x in fails:
        print("stress: FAIL: %s" % x)
    print(slabs)
    print(summary, flush=True)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
