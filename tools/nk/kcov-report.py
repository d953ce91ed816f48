#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Basic-block coverage of the Rust netkit from KCOV PCs.

  kcov-report.py VMLINUX PCS SYMBOLIZE SOURCE OUTDIR [REASONS]

VMLINUX was built with KCOV_INSTRUMENT for the Rust netkit only, so every
call to __sanitizer_cov_trace_pc in its text is one of netkit.o's coverage
points (one per basic block, critical edges split); KCOV records a point as
the call's return address. A block that ends the function may call it as a
tail call (jmp): KCOV then records the return address in the function's
caller, which is attributed back through the call before it. PCS holds the
addresses the suites' processes recorded (tools/nk/guest/kcov-preload.c).
SYMBOLIZE is a command that reads addresses on stdin and prints
llvm-symbolizer's inlined frames.

Points count in the function (symbol table) that holds them, named by its C
label where it has one (netkit_xmit, ...). rustc also emits out-of-line
copies of trait methods whose callers inline them; nothing refers to such a
copy (no call, jump, RIP-relative reference or 32-bit immediate in the
text, no pointer in the data, no initcall), so its points are listed as
dead and left out of the totals. A point's line is the innermost inlined frame of it that is in
SOURCE (drivers/net/netkit/netkit.rs), else the file of its innermost frame
(kernel crate code compiled into netkit.o). Writes OUTDIR/netkit.rs.cov (the
source, each line prefixed with points hit/points), OUTDIR/blocks.txt (each
live point not hit, by function, line and column), OUTDIR/uncovered.txt,
OUTDIR/functions.txt and OUTDIR/summary.txt. Fails on a recorded address
that is neither a point nor a return address after a call.

A line is run when one of its points is. uncovered.txt lists the lines
with points none of which ran, each with its reason: "panic edge" when each
of its points is a block that calls a panic (an overflow, bounds or unwrap
check: it runs only on a bug), else the first entry of REASONS (see the head
of tools/nk/coverage-unreached-rust.txt) that matches; fails on a line
without one and on an entry that matches none.
"""

import bisect
import collections
import re
import struct
import subprocess
import sys
from pathlib import Path

SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4
STT_FUNC = 2


class Elf:
    def __init__(self, path):
        self.f = open(path, "rb")
        ehdr = self.f.read(64)
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1 or ehdr[18] != 62:
            sys.exit(f"{path}: not an x86-64 ELF")
        shoff, = struct.unpack_from("<Q", ehdr, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", ehdr, 0x3A)
        self.f.seek(shoff)
        hdrs = [struct.unpack("<IIQQQQIIQQ", self.f.read(shentsize)[:64]) for _ in range(shnum)]
        names = self.read(hdrs[shstrndx])
        self.sections = [dict(name=names[h[0]:names.index(b"\0", h[0])].decode(), type=h[1],
                              flags=h[2], addr=h[3], off=h[4], size=h[5], link=h[6])
                         for h in hdrs]

    def read(self, h):
        off, size = (h[4], h[5]) if isinstance(h, tuple) else (h["off"], h["size"])
        self.f.seek(off)
        return self.f.read(size)

    def section(self, name):
        return next((s for s in self.sections if s["name"] == name), None)

    def symbols(self):
        """(value, size, type, name) of every symbol."""
        st = self.section(".symtab")
        if not st:
            sys.exit("vmlinux: no .symtab")
        strtab = self.read(self.sections[st["link"]])
        data = self.read(st)
        out = []
        for name, info, _, _, value, size in struct.iter_unpack("<IBBHQQ", data):
            if value:
                out.append((value, size, info & 0xF,
                            strtab[name:strtab.index(b"\0", name)].decode(errors="replace")))
        return out


def rel32_refs(base, text, opcode, extra=b""):
    """{target: [site]} of the rel32 operands after each occurrence of
    opcode (+ extra, a regex byte class) in text."""
    refs = collections.defaultdict(list)
    pat = re.compile(re.escape(opcode) + extra, re.S)
    n = len(opcode) + (1 if extra else 0)
    for m in pat.finditer(text):
        i = m.start() + n
        if i + 4 > len(text):
            break
        rel, = struct.unpack_from("<i", text, i)
        refs[base + i + 4 + rel].append(base + m.start())
    return refs


def symbolize(cmd, addrs):
    """Per instruction address, its frames, innermost first, as (file,
    line, column, function)."""
    out = subprocess.run(cmd, input="".join(f"0x{a:x}\n" for a in addrs),
                         capture_output=True, text=True, shell=True, check=True).stdout
    blocks = out.strip("\n").split("\n\n")
    if len(blocks) != len(addrs):
        sys.exit(f"symbolizer: {len(blocks)} answers for {len(addrs)} addresses")
    frames = []
    for b in blocks:
        fr = []
        lines = b.split("\n")
        for fn, loc in zip(lines[0::2], lines[1::2]):
            m = re.match(r"(.*):(\d+):(\d+)$", loc)
            if m:
                fr.append((m.group(1), int(m.group(2)), int(m.group(3)), fn))
        frames.append(fr)
    return frames


def load_reasons(path):
    entries = []
    for no, line in enumerate(open(path).read().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split(" @@ ")
        if len(f) != 3:
            sys.exit(f"{path}:{no}: want FUNCTION @@ REGEX @@ REASON")
        entries.append({"no": no, "func": re.compile(f[0]), "re": re.compile(f[1]),
                        "why": f[2], "used": 0})
    return entries


def main():
    vmlinux, pcs_file, symbolizer, source, outdir = sys.argv[1:6]
    reasons = load_reasons(sys.argv[6]) if len(sys.argv) > 6 else None
    elf = Elf(vmlinux)
    syms = elf.symbols()
    target = next((v for v, _, _, n in syms if n == "__sanitizer_cov_trace_pc"), None)
    if target is None:
        sys.exit(f"{vmlinux}: no __sanitizer_cov_trace_pc (not a KCOV kernel)")
    texts = [(s["addr"], elf.read(s)) for s in elf.sections
             if s["flags"] & SHF_ALLOC and s["flags"] & SHF_EXECINSTR and s["type"] == 1]
    calls, jumps, riprel = {}, {}, {}
    for base, text in texts:
        for d, op, extra in ((calls, b"\xe8", b""), (jumps, b"\xe9", b""),
                             (riprel, b"\x8d", b"[\x05\x0d\x15\x1d\x25\x2d\x35\x3d]")):
            for k, v in rel32_refs(base, text, op, extra).items():
                d.setdefault(k, []).extend(v)
    # A call's point is its return address; a tail call's is recorded in
    # the caller, so it is named by the jmp's own address here.
    points = {site + 5: "call" for site in calls.get(target, [])}
    tails = set(jumps.get(target, []))
    points.update({site: "tail" for site in tails})
    if not points:
        sys.exit(f"{vmlinux}: no coverage points (KCOV_INSTRUMENT_netkit.o=y not applied?)")

    # Blocks that call a panic: the code from a point to the next one.
    panics = {v for v, _, t, n in syms if t == STT_FUNC and
              re.search(r"panicking|unwrap_failed|expect_failed|panic_const", n)}
    cov_calls = sorted(site for site in calls.get(target, []))

    def panic_block(p):
        i = bisect.bisect_right(cov_calls, p - 5)
        end = min(cov_calls[i] if i < len(cov_calls) else p + 64, p + 64)
        for base, text in texts:
            if base <= p < base + len(text):
                blob = text[p - base:end - base]
                for m in re.finditer(b"\xe8", blob):
                    if m.start() + 5 <= len(blob):
                        rel, = struct.unpack_from("<i", blob, m.start() + 1)
                        if p + m.start() + 5 + rel in panics:
                            return True
        return False

    funcs = sorted((v, s, n) for v, s, t, n in syms if t == STT_FUNC and s)
    starts = [f[0] for f in funcs]
    labels = collections.defaultdict(list)
    for v, _, _, n in syms:
        labels[v].append(n)

    def func_of(addr):
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < funcs[i][0] + funcs[i][1]:
            return funcs[i]
        return None

    by_func = collections.defaultdict(list)
    for p in points:
        f = func_of(p if points[p] == "tail" else p - 1)
        by_func[f].append(p)

    # Is a function referred to at all: a call, jump, RIP-relative
    # reference or immediate in the text, a pointer in the data, an
    # initcall?
    cands = {f[0] for f in by_func if f}
    live = {a for a in cands if a in calls or a in jumps or a in riprel}
    # mcmodel=kernel: a sign-extended 32-bit immediate (mov $fn, ...).
    for a in cands - live:
        if any(struct.pack("<I", a & 0xFFFFFFFF) in t for _, t in texts):
            live.add(a)
    for s in elf.sections:
        if not s["flags"] & SHF_ALLOC or s["flags"] & SHF_EXECINSTR or s["type"] != 1:
            continue
        data = elf.read(s)
        for (v,) in struct.iter_unpack("<Q", data[:len(data) // 8 * 8]):
            if v in cands:
                live.add(v)
        if s["name"] == ".init.data":
            base = s["addr"]
            for k, (v,) in enumerate(struct.iter_unpack("<i", data[:len(data) // 4 * 4])):
                if base + 4 * k + v in cands:
                    live.add(base + 4 * k + v)

    hit = set()
    overflow = []
    for line in open(pcs_file):
        line = line.strip()
        if line.startswith("overflow"):
            overflow.append(line.split(None, 1)[1:] or ["?"])
        elif line:
            hit.add(int(line, 16))
    strays, unknown = [], 0
    hit_points = {p for p in hit if points.get(p) == "call"}
    for pc in hit - set(points):
        # A tail point's record: the return address after a call to the
        # function that holds it (a direct call), or an indirect call.
        f = func_of(pc - 1)
        blob = next((t for b, t in texts if b <= pc - 5 and pc <= b + len(t)), None)
        base = next((b for b, t in texts if b <= pc - 5 and pc <= b + len(t)), 0)
        callee = None
        if blob is not None and blob[pc - 5 - base] == 0xE8:
            callee = pc + struct.unpack_from("<i", blob, pc - 4 - base)[0]
        if callee is not None and func_of(callee) and func_of(callee)[0] == callee:
            mine = [p for p in by_func.get(func_of(callee), []) if points[p] == "tail"]
            if mine:
                hit_points.update(mine)
                continue
            if "__x86_indirect" in " ".join(labels.get(callee, [])):
                unknown += 1
                continue
        if blob is not None and (blob[pc - 2 - base] == 0xFF or blob[pc - 3 - base] == 0xFF):
            unknown += 1
            continue
        strays.append((pc, f[2] if f else "?"))

    order = sorted(points)
    frames = dict(zip(order, symbolize(symbolizer, [p if points[p] == "tail" else p - 1
                                                      for p in order])))

    outer = {}
    for p, fr in frames.items():
        if fr:
            outer.setdefault(func_of(p if points[p] == "tail" else p - 1), fr[-1][3])

    def name(f):
        """The C label of a function, else its demangled name."""
        if not f:
            return "?"
        c = [n for n in labels[f[0]] if not n.startswith("_R")]
        return c[0] if c else outer.get(f, f[2])

    per_line = collections.defaultdict(lambda: [0, 0])
    per_file = collections.defaultdict(lambda: [0, 0])
    fun_rows, dead_rows, blocks = [], [], []
    line_funcs = collections.defaultdict(set)
    line_panic = collections.defaultdict(list)
    for f, pts in sorted(by_func.items(), key=lambda x: name(x[0])):
        h = sum(p in hit_points for p in pts)
        if f and f[0] not in live:
            dead_rows.append(f"{h:>4}/{len(pts):<4} {name(f)}")
            continue
        fun_rows.append(f"{h:>4}/{len(pts):<4} {name(f)}")
        for p in sorted(pts):
            fr = frames[p]
            own = [x for x in fr if x[0].endswith(source)]
            where = own[0] if own else (fr[0] if fr else ("?", 0, 0, "?"))
            fname = source if own else where[0]
            per_file[fname][1] += 1
            per_file[fname][0] += p in hit_points
            if own:
                per_line[where[1]][1] += 1
                per_line[where[1]][0] += p in hit_points
                line_funcs[where[1]].add(name(f))
                if p not in hit_points:
                    panic = panic_block(p) if points[p] == "call" else False
                    line_panic[where[1]].append(panic)
                    blocks.append((where[1], where[2], name(f), panic))

    out = Path(outdir)
    src = Path(source).read_text().split("\n")
    listing = []
    for no, text_line in enumerate(src, 1):
        h, t = per_line.get(no, (0, 0))
        mark = f"{h:>3}/{t:<3}" if t else "     -  "
        listing.append(f"{mark}:{no:>5}:{text_line}")
    (out / "netkit.rs.cov").write_text("\n".join(listing) + "\n")
    (out / "blocks.txt").write_text("".join(
        f"{no:>5}:{col:<3} {fn}: {src[no - 1][max(col - 1, 0):].strip()}"
        f"{' (panic)' if panic else ''}\n"
        for no, col, fn, panic in sorted(set(blocks))))
    unaccounted, report = 0, []
    for no in sorted(n for n, (h, _) in per_line.items() if not h):
        text = src[no - 1].strip()
        fns = sorted(line_funcs[no])
        if all(line_panic[no]):
            why = "panic edge (an overflow, bounds or unwrap check): runs only on a bug"
        else:
            e = next((e for e in reasons or [] if e["re"].search(text)
                      and any(e["func"].search(fn) for fn in fns)), None)
            if e:
                e["used"] += 1
            else:
                unaccounted += 1
            why = e["why"] if e else "UNACCOUNTED"
        report.append(f"{no:>5} {' | '.join(fns)}: {text}\n      -> {why}")
    stale = [e for e in reasons or [] if not e["used"]]
    report += [f"reason {e['no']} matches no line not run: {e['why']}" for e in stale]
    report.append(f"{len(per_line) - sum(1 for h, _ in per_line.values() if h)} lines not run: "
                  f"{unaccounted} unaccounted; {len(stale)} stale reasons")
    (out / "uncovered.txt").write_text("\n".join(report) + "\n")
    (out / "functions.txt").write_text(
        "points hit/all per function:\n" + "\n".join(fun_rows) +
        "\n\nout-of-line copies nothing refers to (not counted):\n" + "\n".join(dead_rows) + "\n")
    lines_t = len(per_line)
    lines_h = sum(1 for h, _ in per_line.values() if h)
    pts_t = sum(t for _, t in per_line.values())
    pts_h = sum(h for h, _ in per_line.values())
    summary = [f"File '{source}'",
               f"Lines with a point, one of them executed:"
               f"{100 * lines_h / lines_t:.2f}% of {lines_t}",
               f"Basic blocks (KCOV points) executed:{100 * pts_h / pts_t:.2f}% of {pts_t}",
               "", "Other code compiled into netkit.o (kernel crate, core), points hit/all:"]
    for fname, (h, t) in sorted(per_file.items()):
        if fname != source:
            summary.append(f"  {h:>4}/{t:<4} {fname}")
    summary.append(f"\n{len(points)} points ({len(tails)} tail calls) in {len(by_func)} functions, "
                   f"{len(dead_rows)} of them out-of-line copies nothing refers to")
    summary.append(f"{len(hit)} addresses recorded: {len(hit_points)} points, "
                   f"{unknown} after an indirect call, {len(strays)} unexplained")
    for pc, fn in strays[:20]:
        summary.append(f"  unexplained 0x{pc:x} in {fn}")
    if overflow:
        summary.append(f"buffer overflowed in {len(overflow)} processes: {overflow[:10]}")
    (out / "summary.txt").write_text("\n".join(summary) + "\n")
    print("\n".join(summary[:3]))
    sys.exit(1 if strays or (reasons is not None and (unaccounted or stale)) else 0)


if __name__ == "__main__":
    main()
