# SPDX-License-Identifier: GPL-2.0

"""Slab fault injection for the netkit suites: failslab armed for fail-nth,
and a netlink request run with the calling thread's n-th slab allocation
failing."""

import os
from pathlib import Path

from net.lib.py import KsftSkipEx, NlError, defer

FAILSLAB = Path("/sys/kernel/debug/failslab")


def failslab_on() -> None:
    """Lets fail-nth fail any slab allocation (GFP_KERNEL too), quietly,
    until the test's deferred actions restore the knobs."""
    if not FAILSLAB.exists():
        raise KsftSkipEx("no failslab (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)")
    for knob, val in (("ignore-gfp-wait", "N"), ("verbose", "0")):
        old = (FAILSLAB / knob).read_text().strip()
        (FAILSLAB / knob).write_text(val)
        defer((FAILSLAB / knob).write_text, old)


class FailNth:
    """This thread's /proc/thread-self/fail-nth, open until the test ends."""

    def __init__(self) -> None:
        failslab_on()
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
        defer(os.close, self.fd)

    def run(self, n, fn):
        """Calls fn() with this thread's n-th slab allocation failing.
        Returns (result, err, extack, left): fn's result or None; the errno
        it failed with (netlink or socket) or 0; the extack message or None;
        whether the n-th allocation never came (no failure was injected)."""
        os.pwrite(self.fd, str(n).encode(), 0)
        res, err, msg = None, 0, None
        try:
            res = fn()
        except NlError as e:
            err, msg = -e.nl_msg.error, (e.nl_msg.extack or {}).get("msg")
        except OSError as e:
            err = e.errno
        finally:
            left = int(os.pread(self.fd, 32, 0)) != 0
            os.pwrite(self.fd, b"0", 0)
        return res, err, msg, left
