#!/usr/bin/env python3
"""Turns a stencil benchmark JSON (Google Benchmark) into a Markdown table.

Rows: shape x dtype. Columns: implementations (Halide schedules, hand-written).
Cells: G cell-steps/s and the fraction of the copy bandwidth measured in the
same run; the best per row is bold. A summary gives the ratios the project
tracks (best single-step over the hand-written baseline, temporal speed-ups).
Standard library only, so it runs before any plotting package is installed.
"""
import argparse
import json
import re
import sys
from collections import defaultdict

NAME = re.compile(r"^(?P<shape>[a-z]+\dd\dr)_(?P<dtype>f\d\d)_(?P<sched>[a-z0-9]+)_t(?P<depth>\d+)/(?P<grid>[0-9x]+)")


def load(path):
    with open(path) as f:
        data = json.load(f)
    rows = defaultdict(dict)
    errors = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("run_type") == "iteration" and any(
            x.get("run_type") == "aggregate" and x["run_name"] == b["run_name"] for x in data["benchmarks"]
        ):
            continue  # repetitions ran: use their median
        m = NAME.match(b["name"])
        if not m:
            continue
        impl = m["sched"] if m["depth"] == "1" else f"{m['sched']}_t{m['depth']}"
        key = (m["shape"], m["dtype"], m["grid"])
        if b.get("error_occurred"):
            errors[(key, impl)] = b.get("error_message", "error")
            continue
        rows[key][impl] = (b["cell_steps/s"], b["bw_frac"])
    return data["context"], rows, errors


def table(rows, errors):
    impls = []
    for r in rows.values():
        for i in r:
            if i not in impls:
                impls.append(i)
    order = ["naive", "tiled", "temporal_t2", "temporal_t4", "temporal_t8", "omp"]
    impls.sort(key=lambda i: (order.index(i) if i in order else len(order), i))
    out = ["| kernel | grid | " + " | ".join(impls) + " |", "|---|---|" + "---|" * len(impls)]
    for (shape, dtype, grid), r in sorted(rows.items()):
        best = max(v[0] for v in r.values())
        cells = []
        for i in impls:
            if ((shape, dtype, grid), i) in errors:
                cells.append("WRONG: " + errors[((shape, dtype, grid), i)])
            elif i not in r:
                cells.append("-")
            else:
                rate, frac = r[i]
                text = f"{rate / 1e9:.2f} ({frac * 100:.0f}%)"
                cells.append(f"**{text}**" if rate == best else text)
        out.append(f"| {shape}_{dtype} | {grid} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def summary(rows):
    lines = []
    for (shape, dtype, grid), r in sorted(rows.items()):
        halide_single = {k: v for k, v in r.items() if k in ("naive", "tiled")}
        if not halide_single or "omp" not in r:
            continue
        best_name, (best, best_frac) = max(halide_single.items(), key=lambda kv: kv[1][0])
        single_all = max(best, r["omp"][0])
        parts = [
            f"best Halide single-step ({best_name}) / hand-written omp = {best / r['omp'][0]:.2f}x",
            f"{best_name} at {best_frac * 100:.0f}% and omp at {r['omp'][1] * 100:.0f}% of copy bandwidth",
        ]
        for t in ("temporal_t4", "temporal_t8"):
            if t in r:
                parts.append(f"{t} / best single-step = {r[t][0] / single_all:.2f}x")
        lines.append(f"- {shape}_{dtype} {grid}: " + "; ".join(parts))
    return "\n".join(lines)


def caches(ctx):
    return ", ".join(f"L{c['level']} {c['type']} {c['size'] // 1024} KiB" for c in ctx.get("caches", []))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("json")
    ap.add_argument("--out", help="also write the report to this Markdown file")
    ap.add_argument("--title", default="stencilforge stencil benchmark")
    a = ap.parse_args()
    ctx, rows, errors = load(a.json)
    head = [
        f"# {a.title}",
        "",
        f"- date: {ctx.get('date', '?')}",
        f"- CPU: {ctx.get('cpu_model', '?')}, {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz,"
        f" caches: {caches(ctx)}",
        f"- threads used: {ctx.get('threads', '?')}, ISA: {ctx.get('cpu_isa', '?')},"
        f" compiler: {ctx.get('compiler', '?')}, Halide {ctx.get('halide', '?')}",
        f"- copy bandwidth (all threads, 512 MiB arrays): memcpy {float(ctx.get('copy_bw_memcpy_GBps', 0)):.1f} GB/s,"
        f" STREAM-style loop {float(ctx.get('copy_bw_loop_GBps', 0)):.1f} GB/s; roof = the higher",
        f"- steps per timed run: {ctx.get('steps', '?')}; cells: G cell-steps/s (bytes/s as % of the roof,"
        " one read + one write of the grid per pass); median of the repetitions; best per row in bold",
        "",
    ]
    text = "\n".join(head) + "\n" + table(rows, errors) + "\n\n## Ratios\n\n" + summary(rows) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
