#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line and edge coverage of the Rust netkit from KCOV PCs.

  kcov-report.py VMLINUX SYSTEM.MAP PCS SYMBOLIZE SOURCE OUTDIR

VMLINUX was built with KCOV_INSTRUMENT for the Rust netkit only, so every
call to __sanitizer_cov_trace_pc in its .text is one of netkit.o's coverage
points (one per edge of its control flow graph); KCOV records a point as the
call's return address. PCS holds the return addresses the suites' processes
recorded (tools/nk/guest/kcov-preload.c). SYMBOLIZE is a command that reads
addresses on stdin and prints llvm-symbolizer's inlined frames. A point
counts for the innermost frame of it that is in SOURCE (drivers/net/netkit/
netkit.rs), else for the file of its innermost frame (kernel crate code
compiled into netkit.o). Writes OUTDIR/netkit.rs.cov (the source, each line
prefixed with points hit/points), OUTDIR/uncovered.txt and
OUTDIR/summary.txt.
"""

import collections
import re
import struct
import subprocess
import sys
from pathlib import Path


def text_section(vmlinux):
    with open(vmlinux, "rb") as f:
        ehdr = f.read(64)
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1:
            sys.exit(f"{vmlinux}: not a 64-bit little-endian ELF")
        shoff, = struct.unpack_from("<Q", ehdr, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", ehdr, 0x3A)
        f.seek(shoff)
        shdrs = [struct.unpack("<IIQQQQIIQQ", f.read(shentsize)[:64]) for _ in range(shnum)]
        strtab = shdrs[shstrndx]
        f.seek(strtab[4])
        names = f.read(strtab[5])
        for sh in shdrs:
            name = names[sh[0]:names.index(b"\0", sh[0])].decode()
            if name == ".text":
                f.seek(sh[4])
                return sh[3], f.read(sh[5])
    sys.exit(f"{vmlinux}: no .text")


def call_sites(base, text, target):
    """Return addresses of the `call rel32` instructions to target."""
    sites = []
    i = text.find(b"\xe8")
    while i >= 0 and i + 5 <= len(text):
        rel, = struct.unpack_from("<i", text, i + 1)
        if base + i + 5 + rel == target:
            sites.append(base + i + 5)
        i = text.find(b"\xe8", i + 1)
    return sites


def symbolize(cmd, addrs):
    """Per address (the call instruction's last byte), its frames, innermost
    first, as (file, line)."""
    out = subprocess.run(cmd, input="".join(f"0x{a - 1:x}\n" for a in addrs),
                         capture_output=True, text=True, shell=True, check=True).stdout
    blocks = out.strip("\n").split("\n\n")
    if len(blocks) != len(addrs):
        sys.exit(f"symbolizer: {len(blocks)} answers for {len(addrs)} addresses")
    frames = []
    for b in blocks:
        lines = b.split("\n")
        fr = []
        for loc in lines[1::2]:
            m = re.match(r"(.*):(\d+):\d+$", loc)
            if m:
                fr.append((m.group(1), int(m.group(2))))
        frames.append(fr)
    return frames


def main():
    vmlinux, sysmap, pcs_file, symbolizer, source, outdir = sys.argv[1:7]
    target = None
    for line in open(sysmap):
        a, _, name = line.split()[:3]
        if name == "__sanitizer_cov_trace_pc":
            target = int(a, 16)
    if target is None:
        sys.exit(f"{sysmap}: no __sanitizer_cov_trace_pc (not a KCOV kernel)")
    base, text = text_section(vmlinux)
    points = call_sites(base, text, target)
    if not points:
        sys.exit(f"{vmlinux}: no coverage points (KCOV_INSTRUMENT_netkit.o=y not applied?)")
    hit = set()
    overflow = []
    for line in open(pcs_file):
        line = line.strip()
        if line.startswith("overflow"):
            overflow.append(line.split(None, 1)[1:] or ["?"])
        elif line:
            hit.add(int(line, 16))
    strays = hit - set(points)

    per_line = collections.defaultdict(lambda: [0, 0])
    per_file = collections.defaultdict(lambda: [0, 0])
    for pc, fr in zip(points, symbolize(symbolizer, points)):
        own = [f for f in fr if f[0].endswith(source)]
        where = own[0] if own else (fr[0] if fr else ("?", 0))
        name = source if own else where[0]
        per_file[name][1] += 1
        per_file[name][0] += pc in hit
        if own:
            per_line[where[1]][1] += 1
            per_line[where[1]][0] += pc in hit

    out = Path(outdir)
    src = Path(source).read_text().split("\n")
    listing, uncovered = [], []
    for no, text_line in enumerate(src, 1):
        h, t = per_line.get(no, (0, 0))
        mark = f"{h:>3}/{t:<3}" if t else "     -  "
        listing.append(f"{mark}:{no:>5}:{text_line}")
        if t and not h:
            uncovered.append(f"{no:>5}: {text_line.strip()}")
    (out / "netkit.rs.cov").write_text("\n".join(listing) + "\n")
    (out / "uncovered.txt").write_text("\n".join(uncovered) + "\n")
    lines_t = len(per_line)
    lines_h = sum(1 for h, _ in per_line.values() if h)
    pts_t = sum(t for _, t in per_line.values())
    pts_h = sum(h for h, _ in per_line.values())
    summary = [f"File '{source}'",
               f"Lines with a coverage point executed:{100 * lines_h / lines_t:.2f}% of {lines_t}",
               f"Coverage points (edges) executed:{100 * pts_h / pts_t:.2f}% of {pts_t}",
               "", "Other code compiled into netkit.o (kernel crate, core), points hit/all:"]
    for name, (h, t) in sorted(per_file.items()):
        if name != source:
            summary.append(f"  {h:>4}/{t:<4} {name}")
    summary.append(f"\n{len(hit)} PCs recorded, {len(strays)} not a known point")
    if overflow:
        summary.append(f"buffer overflowed in {len(overflow)} processes: {overflow[:10]}")
    (out / "summary.txt").write_text("\n".join(summary) + "\n")
    print("\n".join(summary[:3]))
    sys.exit(1 if strays else 0)


if __name__ == "__main__":
    main()
