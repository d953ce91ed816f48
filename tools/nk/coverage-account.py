#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Accounts for the unexecuted lines of an llvm-cov gcov listing.

  coverage-account.py LISTING.gcov REASONS.txt

Prints each unexecuted line with the reason REASONS gives for it (see the
head of tools/nk/coverage-unreached.txt), then the totals. Exits 1 if a line
has no reason or a reason matches no line.
"""

import re
import sys


def main():
    listing, reasons_file = sys.argv[1:3]
    entries = []
    for no, line in enumerate(open(reasons_file).read().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split(" @@ ")
        if len(f) != 3:
            sys.exit(f"{reasons_file}:{no}: want FUNCTION @@ REGEX @@ REASON")
        entries.append({"no": no, "func": f[0], "re": re.compile(f"(?:{f[1]})\\Z", re.M),
                        "why": f[2], "used": 0})
    func, prev, bad, total = None, ["", ""], 0, 0
    for line in open(listing):
        m = re.match(r"function (\S+) called", line)
        if m:
            func, prev = m.group(1), ["", ""]
            continue
        m = re.match(r"\s*([^:]+):\s*(\d+):(.*)$", line)
        if not m or m.group(2) == "0":
            continue
        count, lineno, text = m.group(1).strip(), m.group(2), m.group(3).strip()
        if count == "#####":
            total += 1
            ctx = "\n".join(prev + [text])
            hit = [e for e in entries if e["func"] == func and e["re"].search(ctx)]
            if hit:
                hit[0]["used"] += 1
                print(f"{lineno:>5} {func}: {text}\n      -> {hit[0]['why']}")
            else:
                bad += 1
                print(f"{lineno:>5} {func}: {text}\n      -> UNACCOUNTED")
        if text and not text.startswith(("//", "/*", "*")):
            prev = [prev[1], text]
    unused = [e for e in entries if not e["used"]]
    for e in unused:
        print(f"{reasons_file}:{e['no']}: {e['func']}: matches no unexecuted line")
    print(f"{total} unexecuted lines: {total - bad} accounted for, {bad} not;"
          f" {len(unused)} stale reasons")
    sys.exit(1 if bad or unused else 0)


if __name__ == "__main__":
    main()
