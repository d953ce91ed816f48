# SPDX-License-Identifier: GPL-2.0
# What the reopen scripts share: edits of the copy of rust/kernel that
# tools/nk/cf-reopen.sh passes as their first argument.
import sys

d = sys.argv[1]


def ed(p, pairs):
    """Replaces, in file p of the copy, each a by b (once; a must be there)."""
    p = d + '/' + p
    s = open(p).read()
    for a, b in pairs:
        assert a in s, (p, a[:70])
        s = s.replace(a, b, 1)
    open(p, 'w').write(s)
