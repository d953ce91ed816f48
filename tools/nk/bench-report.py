#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Aggregate `make bench` runs: bench-report.py DIR.

DIR holds one <impl>-<mode>/bench.txt per booted kernel and clock mode, each
line "workload target value", the qemu settings of each boot in
<impl>-<mode>/run<N>/vm.json and the run's parameters in meta.txt. Prints a
markdown table, writes DIR/bench.json and prints its path as the last line.
"rust vs c" is Rust's median over C's, inverted where lower is better
(KiB/pod): at or above 1, Rust does as well as C.
"""
import json
import statistics
import sys
from pathlib import Path

WORKLOADS = {
    "pktgen_xmit": ("pps", True, 1.0),
    "tcp_rr": ("transactions/s", True, 1.0),
    "tcp_stream": ("Gbit/s", True, 1e-3),  # netperf reports 10^6 bit/s
    # scale.py, name_N
    "scale_pairs_create": ("pairs/s", True, 1.0),
    "scale_pairs_delete": ("pairs/s", True, 1.0),
    "scale_pairs_kib": ("KiB/pod", False, 1.0),
    "scale_singles_lease": ("singles/s", True, 1.0),
    "scale_singles_delete": ("singles/s", True, 1.0),
}


def workload(name):
    """(unit, higher is better, scale) of a workload, scale ones by prefix."""
    return WORKLOADS.get(name) or WORKLOADS[name.rsplit("_", 1)[0]]


def main():
    out = Path(sys.argv[1])
    samples = {}  # (workload, mode) -> key -> [values]
    for d in sorted(out.iterdir()):
        if not (d / "bench.txt").is_file():
            continue
        impl, mode = d.name.split("-", 1)
        for line in (d / "bench.txt").read_text().splitlines():
            w, target, value = line.split()
            # netkit* and dummy targets are measured on each kernel: one
            # row per workload and target, one column per kernel
            per_kernel = target.startswith("netkit") or target == "dummy"
            key = impl if per_kernel else target
            if target.startswith("netkit_"):
                w = f"{w} ({target[7:]})"
            elif target == "dummy":
                w = f"{w} (dummy)"
            scale = workload(w.split()[0])[2]
            samples.setdefault((w, mode), {}).setdefault(key, []).append(float(value) * scale)

    meta = dict(line.split("=", 1) for line in (out / "meta.txt").read_text().splitlines())
    boots = []
    for vm in sorted(out.glob("*-*/run*/vm.json")):
        impl, mode = vm.parent.parent.name.split("-", 1)
        boots.append({"impl": impl, "mode": mode, "run": vm.parent.name, **json.loads(vm.read_text())})

    workloads = []
    for (w, mode), res in sorted(samples.items(), key=lambda x: (x[0][1] != "wall", x[0][0])):
        unit, hib, _ = workload(w.split()[0])
        results = {}
        for key, runs in res.items():
            med = statistics.median(runs)
            results[key] = {"median": med, "min": min(runs), "max": max(runs), "runs": runs,
                            "spread_pct": 100.0 * (max(runs) - min(runs)) / med if med else None}
        entry = {"name": w, "mode": mode, "unit": unit, "higher_is_better": hib, "results": results}
        if "c" in results and "rust" in results and results["c"]["median"] > 0 \
                and results["rust"]["median"] > 0:
            entry["rust_over_c"] = results["rust"]["median"] / results["c"]["median"]
            # >= 1: Rust does as well as C (memory: uses no more)
            entry["rust_relative"] = entry["rust_over_c"] if hib else 1 / entry["rust_over_c"]
        workloads.append(entry)

    def cell(r):
        if not r:
            return "-"
        return f"{r['median']:.4g} ({r['min']:.4g}..{r['max']:.4g}, ±{r['spread_pct'] / 2:.1f}%)"

    print("| workload | clock | unit | C drivers | Rust drivers | rust vs c | veth | loopback |")
    print("|---|---|---|---|---|---|---|---|")
    for e in workloads:
        r = e["results"]
        ratio = f"{e['rust_relative']:.3f}" if "rust_relative" in e else "-"
        print(f"| {e['name']} | {e['mode']} | {e['unit']} | {cell(r.get('c'))} | {cell(r.get('rust'))}"
              f" | {ratio} | {cell(r.get('veth'))} | {cell(r.get('loopback'))} |")
    path = out / "bench.json"
    path.write_text(json.dumps({"meta": meta, "boots": boots, "workloads": workloads}, indent=2) + "\n")
    print(path)


if __name__ == "__main__":
    main()
