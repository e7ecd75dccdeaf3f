#!/usr/bin/env python3
"""Benchmark reports for stencilforge (pandas + matplotlib from the project's .venv).

  report.py report RUN.json --out-dir docs/results/<machine>
      Markdown table (rows: kernel x size; columns: implementations; cells:
      median throughput, spread and % of roof; best per row in bold), the
      machine description and roofs from the run's context, the ratios the
      project tracks, and PNG plots. Prints the table and the plot paths.
  report.py compare BEFORE.json AFTER.json [--out FILE.md]
      Per row and implementation: both medians and the ratio after/before.
"""
import argparse
import json
import textwrap
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sfcatalog  # noqa: E402  (the catalog: what each benchmarked variant is, read from catalog.json)

CATALOG = sfcatalog.load()
# Column order: the catalog's (Halide hand schedules, autoschedulers, GPU, hand-written, Kokkos, omp).
ORDER = CATALOG.schedule_order()
AUTOSCHEDULERS = tuple(dict.fromkeys(v.impl for v in CATALOG.variants if v.autoscheduler))
# The hand-written CPU temporal baselines (fused depth > 1) the ratios hold Halide to.
HAND_TEMPORAL = tuple(dict.fromkeys(v.impl for v in CATALOG.variants
                                    if v.engine == "handwritten" and v.device == "host" and v.depth > 1))


def parse_name(name):
    """'<variant>/<size>[/...]' -> (the catalog's variant, size), or None when the variant is not in the catalog."""
    variant, _, rest = name.partition("/")
    v = CATALOG.find(variant)
    size = rest.split("/", 1)[0]
    return (v, size) if v and size else None


def load(path):
    """One row per (kernel, size, implementation): median, cv, counters or the error."""
    with open(path) as f:
        data = json.load(f)
    recs = {}
    autos = {}
    unparsed = []
    for b in data["benchmarks"]:
        if b["name"].startswith("auto:"):
            # The auto pick of a row: "auto:<family>/<size>", labelled "... pick <variant>".
            family, _, size = b["name"][len("auto:"):].partition("/")
            rec = autos.setdefault((family, size.split("/", 1)[0]), {})
            if b.get("error_occurred"):
                rec["error"] = b.get("error_message", "error")
            elif b.get("aggregate_name") == "median" or (b.get("run_type") == "iteration" and "median" not in rec):
                rec.update(median=b["cell_steps/s"], pick=b.get("label", "").rpartition(" pick ")[2])
            elif b.get("aggregate_name") == "cv":
                rec["cv"] = b["cell_steps/s"]
            continue
        parsed = parse_name(b["name"])
        if not parsed:
            unparsed.append(b["name"])
            continue
        v, size = parsed
        key = (f"{v.shape}_{v.dtype}", size, v.impl)
        rec = recs.setdefault(key, {"shape": v.shape, "dtype": v.dtype, "sched": v.schedule, "depth": v.depth})
        if b.get("error_occurred"):
            rec["error"] = b.get("error_message", "error")
            continue
        agg = b.get("aggregate_name")
        if agg == "median" or (b.get("run_type") == "iteration" and "median" not in rec):
            rec.update(median=b["cell_steps/s"], roof_frac=b["roof_frac"], flops=b["FLOP/s"],
                       bw_frac=b["bw_frac"], ai=b["ai"], label=b.get("label", ""),
                       device_roof=bool(b.get("device_roof", 0)))
        elif agg == "cv":
            rec["cv"] = b["cell_steps/s"]
    if unparsed:
        # A row the report cannot place must not vanish from it silently.
        sys.exit(f"report.py: {len(unparsed)} benchmark name(s) are not <catalog variant>/<size>: "
                 f"{', '.join(dict.fromkeys(unparsed))}")
    df = pd.DataFrame([{"kernel": k, "size": s, "impl": i, **r} for (k, s, i), r in recs.items()])
    df.attrs["auto"] = autos
    ctx = data["context"]
    # Which roof bounds a kernel: memory (m) below the machine balance, FMA (c) above.
    balance = {d: float(ctx.get(f"fma_peak_{d}_GFLOPs", "nan")) / float(ctx.get("copy_bw_roof_GBps", "nan"))
               for d in ("f32", "f64")}
    if "ai" in df:
        # GPU rows are measured against the GPU's copy bandwidth: `d`, not a CPU roof.
        on_device = df["device_roof"] if "device_roof" in df else pd.Series([False] * len(df), index=df.index)
        df["bound"] = ["d" if dev is True else ("c" if ai >= balance[d] else "m")
                       for ai, d, dev in zip(df["ai"], df["dtype"], on_device)]
    return ctx, df


def stores_note(df):
    """Which implementations in the run write with non-temporal stores, so their roof is that copy."""
    impls = set(df["impl"])
    streaming = sorted({v.impl for v in CATALOG.variants if v.nontemporal and v.impl in impls})
    if not streaming:
        return "No implementation in this run writes with non-temporal stores: every one is held to the ordinary copy."
    return ("Held to the non-temporal copy (their catalog rows say `\"stores\": \"nontemporal\"`): "
            + ", ".join(f"`{s}`" for s in streaming) + "; every other implementation to the ordinary copy.")


def ordered_impls(df):
    impls = list(dict.fromkeys(df["impl"]))
    return sorted(impls, key=lambda i: (ORDER.index(i) if i in ORDER else len(ORDER), i))


def row_keys(df):
    sizes = {"small": 0, "large": 1}
    keys = df[["kernel", "size"]].drop_duplicates().itertuples(index=False)
    return sorted(keys, key=lambda k: (sizes.get(k.size, 2), k.kernel))


def cell(rec, best, picked=False):
    if rec is None:
        return "-"
    if isinstance(rec.get("error"), str):
        return "n/a: " + rec["error"].replace("|", "/").replace("\n", " ")[:160]
    text = f"{rec['median'] / 1e9:.2f}"
    if rec["median"] == best:
        text = f"**{text}**"
    spread = f" ±{rec['cv'] * 100:.0f}%" if pd.notna(rec.get("cv")) else ""
    return f"{text}{spread} · {rec['roof_frac'] * 100:.0f}% {rec['bound']}" + (" ◂auto" if picked else "")


def picked_impl(df, kernel, size):
    """The column of the row's auto pick (None: no pick, or a tuning candidate with no column)."""
    rec = df.attrs.get("auto", {}).get((kernel, size), {})
    v = CATALOG.find(rec.get("pick", ""))
    return v.impl if v else None


def auto_table(df):
    """Per row: the auto pick, its speed, and the best variant measured in the same run."""
    autos = df.attrs.get("auto", {})
    if not autos:
        return ""
    recs = lookup(df)
    out = ["| kernel | size | auto pick | pick G/s | best variant | best G/s | pick / best |", "|---|---|---|---|---|---|---|"]
    for k in row_keys(df):
        a = autos.get((k.kernel, k.size))
        if a is None:
            continue
        rates = [(i, r["median"]) for (kk, ss, i), r in recs.items() if kk == k.kernel and ss == k.size and ok(r)]
        best = max(rates, key=lambda x: x[1], default=None)
        if not ok(a) or best is None:
            out.append(f"| {k.kernel} | {k.size} | {a.get('pick', '?')} | n/a: {a.get('error', 'did not run')[:80]} | | | |")
            continue
        out.append(f"| {k.kernel} | {k.size} | {a['pick']} | {a['median'] / 1e9:.2f} | {best[0]} | "
                   f"{best[1] / 1e9:.2f} | {a['median'] / best[1]:.2f}x |")
    return "\n".join(out)


def lookup(df):
    return {(r["kernel"], r["size"], r["impl"]): r for r in df.to_dict("records")}


def unavailable(df):
    """Implementations that ran nowhere in this run because their device is missing here
    (CUDA variants on a machine without a GPU): one line under the table, not a column of refusals."""
    errors = df.get("error", pd.Series([None] * len(df), index=df.index))
    missing = errors.astype(str).str.contains("device and this machine has none", regex=False)
    return [i for i in ordered_impls(df) if missing[df["impl"] == i].all()]


def table(df):
    skip = set(unavailable(df))
    impls = [i for i in ordered_impls(df) if i not in skip]
    recs = lookup(df)
    out = ["| kernel | size | " + " | ".join(impls) + " |", "|---|---|" + "---|" * len(impls)]
    for k in row_keys(df):
        rates = [r["median"] for i in impls if (r := recs.get((k.kernel, k.size, i))) is not None
                 and pd.notna(r.get("median")) and not isinstance(r.get("error"), str)]
        best = max(rates) if rates else None
        pick = picked_impl(df, k.kernel, k.size)
        out.append(f"| {k.kernel} | {k.size} | " + " | ".join(cell(recs.get((k.kernel, k.size, i)), best, i == pick)
                                                           for i in impls) + " |")
    return "\n".join(out)


def console_table(df):
    """The terminal's view, within 120 columns: per row the fastest implementation, the OpenMP
    baseline, the fastest Halide schedule and the auto pick (the full table is in stencils.md)."""
    recs = lookup(df)
    autos = df.attrs.get("auto", {})
    head = f"{'kernel':<13} {'size':<5} {'fastest':<20} {'G/s':>6} {'roof':>5}  {'omp G/s':>7}  " \
           f"{'fastest Halide':<20} {'G/s':>6}  {'auto / fastest':>14}"
    out = [head, "-" * len(head)]
    halide = {v.impl for v in CATALOG.variants if v.engine == "halide"}
    for k in row_keys(df):
        row = [(i, r) for (kk, ss, i), r in recs.items() if kk == k.kernel and ss == k.size and ok(r)]
        if not row:
            out.append(f"{k.kernel:<13} {k.size:<5} (nothing ran)")
            continue
        best_i, best = max(row, key=lambda x: x[1]["median"])
        omp = recs.get((k.kernel, k.size, "omp"))
        hal = [x for x in row if x[0] in halide]
        hal_i, hal_r = max(hal, key=lambda x: x[1]["median"]) if hal else ("-", None)
        a = autos.get((k.kernel, k.size))
        auto = f"{a['median'] / best['median']:.2f}x" if ok(a) else "-"
        out.append(f"{k.kernel:<13} {k.size:<5} {best_i[:20]:<20} {best['median'] / 1e9:6.2f} "
                   f"{best['roof_frac'] * 100:4.0f}%  {(omp['median'] / 1e9 if ok(omp) else float('nan')):7.2f}  "
                   f"{hal_i[:20]:<20} {(hal_r['median'] / 1e9 if hal_r else float('nan')):6.2f}  {auto:>14}")
    return "\n".join(out)


def not_run(df, ctx):
    missing = unavailable(df)
    if not missing:
        return "Every implementation in the suite ran on this machine."
    return (f"Not run here, their device missing ({ctx.get('devices', 'see `stencilforge devices`')}): "
            + ", ".join(f"`{i}`" for i in missing) + ".")


def ok(r):
    return r is not None and not isinstance(r.get("error"), str) and pd.notna(r.get("median"))


def ratios(df):
    recs = lookup(df)
    lines = []
    for k in row_keys(df):
        get = lambda i: recs.get((k.kernel, k.size, i))  # noqa: E731
        parts = []
        single = {i: get(i) for i in ("tiled", "omp") if ok(get(i))}
        if len(single) == 2:
            parts.append(f"Halide tiled / hand-written omp = {single['tiled']['median'] / single['omp']['median']:.2f}x")
        best_single = max((r["median"] for r in single.values()), default=None)
        for t in ("temporal_t4", "temporal_t8"):
            if ok(get(t)) and best_single:
                parts.append(f"{t} / best single-step = {get(t)['median'] / best_single:.2f}x")
        hand = [get(i)["median"] for i in ("tiled", "temporal_t2", "temporal_t4", "temporal_t8") if ok(get(i))]
        auto = [(i, get(i)["median"]) for i in ordered_impls(df) if i in AUTOSCHEDULERS and ok(get(i))]
        if hand and auto:
            name, rate = max(auto, key=lambda x: x[1])
            parts.append(f"best autoscheduler ({name}) / best hand schedule = {rate / max(hand):.2f}x")
        best_halide = max(hand + [r for _, r in auto], default=None)
        # The hand-written temporal baseline against the DSL's best: what the library must beat.
        trapezoid = [(i, get(i)["median"]) for i in ordered_impls(df) if i in HAND_TEMPORAL and ok(get(i))]
        if trapezoid and best_halide:
            name, rate = max(trapezoid, key=lambda x: x[1])
            parts.append(f"best Halide / best hand-written temporal ({name}) = {best_halide / rate:.2f}x")
        for kk in ("kokkos-tiled", "kokkos-temporal_t4"):
            if ok(get(kk)) and best_halide and ok(get("omp")):
                parts.append(f"{kk} / best Halide = {get(kk)['median'] / best_halide:.2f}x, "
                             f"/ omp = {get(kk)['median'] / get('omp')['median']:.2f}x")
        if parts:
            lines.append(f"- {k.kernel} {k.size}: " + "; ".join(parts))
    return "\n".join(lines)


def lines_table(df):
    """Development cost next to speed: per implementation (a catalog schedule, all its depths), the lines of C++
    a user writes for it (sfcatalog.loc: its schedule file or policy header, comments and blank lines out) and,
    per row it ran, its best depth's % of the roof."""
    keys = row_keys(df)
    recs = lookup(df)
    out = ["| implementation | file | lines | " + " | ".join(f"{k.kernel} {k.size}" for k in keys) + " |",
           "|---|---|---|" + "---|" * len(keys)]
    for sched in dict.fromkeys(df["sched"]):
        variants = [v for v in CATALOG.variants if v.schedule == sched]
        if not variants or variants[0].device != "host":
            continue
        source, lines = sfcatalog.loc.implementation_lines(variants[0])
        cells = []
        for k in keys:
            fracs = [r["roof_frac"] for (kk, ss, _), r in recs.items()
                     if kk == k.kernel and ss == k.size and r.get("sched") == sched and ok(r)]
            cells.append(f"{max(fracs) * 100:.0f}%" if fracs else "-")
        where = f"`{source}`" if source else "(autoscheduler: none)"
        out.append(f"| {sched} | {where} | {lines} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def machine(ctx, run_path):
    f = lambda key: float(ctx.get(key, "nan"))  # noqa: E731
    caches = ", ".join(f"L{c['level']} {c['type']} {c['size'] // 1024} KiB" for c in ctx.get("caches", []))
    # Runs from before the non-temporal copy was measured lack it.
    streaming = (f", non-temporal stores {f('copy_bw_nontemporal_GBps'):.1f} = "
                 f"{f('copy_bw_nontemporal_GBps') / f('copy_bw_roof_GBps'):.2f}x"
                 if "copy_bw_nontemporal_GBps" in ctx else "")
    return "\n".join([
        f"- run: {ctx.get('date', '?')}, suite `{ctx.get('suite', '?')}`, raw results `{Path(run_path).name}`",
        f"- CPU: {ctx.get('cpu_model', '?')}, {ctx.get('num_cpus', '?')} hardware threads; caches: {caches}",
        f"- threads used (Halide and OpenMP, pinned count): {ctx.get('threads', '?')}; kernel ISA: "
        f"{ctx.get('cpu_isa', '?')}",
        f"- compiler: {ctx.get('compiler', '?')}; Halide {ctx.get('halide', '?')}",
        f"- measured roofs (all threads): copy {f('copy_bw_roof_GBps'):.1f} GB/s with ordinary stores (the "
        f"kernels' roof; memcpy {f('copy_bw_memcpy_GBps'):.1f}{streaming}), triad {f('triad_bw_GBps'):.1f} GB/s; "
        f"FMA peak f32 {f('fma_peak_f32_GFLOPs'):.0f} GFLOP/s, f64 {f('fma_peak_f64_GFLOPs'):.0f} GFLOP/s; "
        f"machine balance {f('fma_peak_f32_GFLOPs') / f('copy_bw_roof_GBps'):.1f} FLOP/byte (f32), "
        f"{f('fma_peak_f64_GFLOPs') / f('copy_bw_roof_GBps'):.1f} (f64)",
        f"- steps per timed run: {ctx.get('steps', '?')}",
    ])


LEGEND = """Cells: median G cell-steps/s over the repetitions, ± its coefficient of
variation, · % of the roofline: min(FMA peak, ai x copy bandwidth), where ai is
FLOP (2 per coefficient per cell-step) over the compulsory DRAM bytes (one read
and one write of the grid per pass; fusing T steps multiplies ai by T). The
letter says which roof applies: `m` memory (ai below the machine balance, FMA
peak / copy bandwidth), `c` compute (ai above it), `d` device: a GPU row on
grids in device memory, against the GPU's copy bandwidth measured in the same
run (its FMA peak is not measured), not the CPU's roofs. The copy bandwidth
is the copy with ordinary stores, which read each line before writing it
(write-allocate): Halide's code, Kokkos and the hand-written loops write that
way, so that is the roof their stores can reach. The non-temporal copy in the
header says what streaming stores would add; it is the roof of the kernels
that write with them, named below.
`small` grids fit the LLC, so they can pass 100% of the DRAM roof. Best per
row in bold. `n/a` cells give the reason a kernel did not run (an
autoscheduled kernel refuses grids smaller than its tiles). A kernel whose
output disagreed with the reference would show as `n/a: wrong result`.
`◂auto` marks the variant the family name's auto pick ran (docs/selection.md)."""


def distinct_colours(n):
    """n colours no two alike: tab20, then tab20b and tab20c (60 in all), then evenly spaced hues."""
    pool = [plt.get_cmap(m)(j) for m in ("tab20", "tab20b", "tab20c") for j in range(20)]
    if n <= len(pool):
        return pool[:n]
    return [plt.get_cmap("hsv")(j / n) for j in range(n)]


def plot_roof(df, path):
    keys = row_keys(df)
    recs = lookup(df)
    # Only implementations that ran somewhere in this run get a bar and a legend entry.
    impls = [i for i in ordered_impls(df) if any(ok(recs.get((k.kernel, k.size, i))) for k in keys)]
    fig, ax = plt.subplots(figsize=(max(10, 1.6 * len(keys)), 6.5))
    width = 0.8 / max(len(impls), 1)
    for j, (i, colour) in enumerate(zip(impls, distinct_colours(len(impls)))):
        ys = [recs[(k.kernel, k.size, i)]["roof_frac"] * 100 if ok(recs.get((k.kernel, k.size, i))) else 0
              for k in keys]
        ax.bar([x + (j - len(impls) / 2 + 0.5) * width for x in range(len(keys))], ys, width, label=i,
               color=colour)
    ax.axhline(100, color="black", lw=0.8, ls="--")
    ax.set_xticks(range(len(keys)), [f"{k.kernel}\n{k.size}" for k in keys])
    ax.set_xlabel("kernel (shape, dtype) and grid size")
    ax.set_ylabel("% of roofline (min(FMA peak, ai x copy BW))")
    ax.set_title("Fraction of the measured roof per implementation (missing bar: did not run)")
    ax.legend(ncol=6, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_temporal(df, path):
    recs = lookup(df)
    fig, ax = plt.subplots(figsize=(8, 5))
    for k in row_keys(df):
        base = recs.get((k.kernel, k.size, "tiled"))
        if not ok(base):
            continue
        pts = [(1, 1.0)] + [(t, recs[(k.kernel, k.size, f"temporal_t{t}")]["median"] / base["median"])
                            for t in (2, 4, 8) if ok(recs.get((k.kernel, k.size, f"temporal_t{t}")))]
        if len(pts) > 1:
            ax.plot(*zip(*pts), marker="o", label=f"{k.kernel} {k.size}")
    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 2, 4, 8], ["1 (tiled)", "2", "4", "8"])
    ax.axhline(1, color="black", lw=0.8, ls="--")
    ax.set_xlabel("fused depth T (steps per pass)")
    ax.set_ylabel("speed-up over the single-step tiled schedule")
    ax.set_title("Temporal blocking: speed-up against fused depth")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def cmd_report(a):
    ctx, df = load(a.json)
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plots = {"roof": out / "stencils_roof.png", "temporal": out / "stencils_temporal.png"}
    plot_roof(df, plots["roof"])
    plot_temporal(df, plots["temporal"])
    md = "\n".join([
        f"# {a.title}", "", machine(ctx, a.json), "", LEGEND, "", stores_note(df), "", table(df), "",
        not_run(df, ctx), "",
        "## Auto pick (same run)", "",
        f"What `run(\"<family>\", ...)` picked for each row, timed as `auto:<family>/<size>`; tuning record: "
        f"{ctx.get('tuning_record', '?')}.", "", auto_table(df), "",
        "## Ratios (same run)", "", ratios(df), "",
        "## Lines a user writes, next to speed", "",
        "Per implementation: the lines of its own file (schedule or policy header; comments and blank lines not "
        "counted, `tools/sfcatalog/loc.py`; the shared Halide algorithm and the runtime are not charged to any) "
        "and, per row, the best % of the roof its depths reached in this run.", "", lines_table(df), "",
        "## Plots", "",
        f"![% of roof per implementation]({plots['roof'].name})", "",
        f"![temporal speed-up against T]({plots['temporal'].name})", "",
        "Convolutions: `conv.md` (same directory).", "",
    ])
    (out / "stencils.md").write_text(md)
    print(console_table(df))
    print(f"(G cell-steps/s; every implementation, spread and bound: {out / 'stencils.md'})")
    wrap = lambda text: "\n".join(textwrap.fill(line, 120, subsequent_indent="  ") for line in text.split("\n"))
    print("\n" + wrap(not_run(df, ctx)))
    if df.attrs.get("auto"):
        print("\n" + wrap("Auto pick (tuning record: " + ctx.get("tuning_record", "?") + ")") + "\n" + auto_table(df))
    print("\n" + wrap(ratios(df)))
    print(f"\n[report] {out / 'stencils.md'}")
    for p in plots.values():
        print(f"[report] plot: {p}")
    return 1 if df.get("error", pd.Series(dtype=object)).astype(str).str.startswith("wrong").any() else 0


def cmd_compare(a):
    _, before = load(a.before)
    _, after = load(a.after)
    b, c = lookup(before), lookup(after)
    lines = [f"Ratio after/before of median cell-steps/s: `{a.before}` -> `{a.after}`", "",
             "| kernel | size | implementation | before G/s | after G/s | after/before |", "|---|---|---|---|---|---|"]
    for key in sorted(set(b) | set(c)):
        rb, rc = b.get(key), c.get(key)
        fmt = lambda r: f"{r['median'] / 1e9:.2f}" if ok(r) else ("n/a" if r is not None else "-")  # noqa: E731
        ratio = f"{rc['median'] / rb['median']:.2f}x" if ok(rb) and ok(rc) else "-"
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {fmt(rb)} | {fmt(rc)} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        Path(a.out).write_text(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="table, ratios and plots for one run")
    r.add_argument("json")
    r.add_argument("--out-dir", required=True)
    r.add_argument("--title", default="stencilforge stencil benchmark")
    c = sub.add_parser("compare", help="ratio per row between two runs")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("--out")
    a = ap.parse_args()
    return cmd_report(a) if a.cmd == "report" else cmd_compare(a)


if __name__ == "__main__":
    sys.exit(main())
