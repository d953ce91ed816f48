#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The mutants of tools/nk/mutants.txt: list them, or apply one to a copy of
the repo.

  mutant-apply.py list FILE            NAME<TAB>SPEC-HASH per mutant
  mutant-apply.py apply FILE NAME DIR  mutate DIR/<path> in place

A mutant is one line of FILE:  NAME @@ PATH @@ FIND @@ REPLACE [@@ N]
FIND must occur in exactly one line of PATH (or N times, and the N-th is
meant); REPLACE takes its place in that line. Lines starting with # and
blank lines are comments. Any error exits 2 with the reason.
"""

import hashlib
import sys
from pathlib import Path


def die(msg):
    print(f"mutant-apply: {msg}", file=sys.stderr)
    sys.exit(2)


def parse(path):
    mutants = {}
    for no, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        f = [x.strip() for x in line.split(" @@ ")]
        if len(f) not in (4, 5) or not all(f[:3]):
            die(f"{path}:{no}: want NAME @@ PATH @@ FIND @@ REPLACE [@@ N]")
        name = f[0]
        if name in mutants:
            die(f"{path}:{no}: {name} twice")
        if not name.replace("_", "").replace(".", "").replace("-", "").isalnum():
            die(f"{path}:{no}: name {name!r}: letters, digits, . _ - only")
        nth = int(f[4]) if len(f) == 5 else None
        mutants[name] = (f[1], f[2], f[3], nth, line)
    return mutants


def apply(mutant, root):
    path, find, repl, nth, _ = mutant
    target = Path(root) / path
    lines = target.read_text().split("\n")
    hits = [i for i, l in enumerate(lines) if find in l]
    if any(lines[i].count(find) > 1 for i in hits):
        die(f"{path}: {find!r} occurs twice in one line")
    if nth is None:
        if len(hits) != 1:
            die(f"{path}: {find!r} in {len(hits)} lines, want 1 (or give N)")
        i = hits[0]
    else:
        if nth < 1 or nth > len(hits):
            die(f"{path}: {find!r} in {len(hits)} lines, no number {nth}")
        i = hits[nth - 1]
    new = lines[i].replace(find, repl)
    if new == lines[i]:
        die(f"{path}: REPLACE equals FIND")
    print(f"{path}:{i + 1}: -{lines[i].strip()}")
    print(f"{path}:{i + 1}: +{new.strip()}")
    lines[i] = new
    target.write_text("\n".join(lines))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "list":
        for name, m in parse(sys.argv[2]).items():
            print(f"{name}\t{hashlib.sha256(m[4].encode()).hexdigest()[:16]}")
    elif len(sys.argv) == 5 and sys.argv[1] == "apply":
        mutants = parse(sys.argv[2])
        if sys.argv[3] not in mutants:
            die(f"no mutant {sys.argv[3]}")
        apply(mutants[sys.argv[3]], sys.argv[4])
    else:
        die(__doc__.strip().splitlines()[2])


if __name__ == "__main__":
    main()
