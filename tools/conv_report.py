#!/usr/bin/env python3
"""Convolution benchmark report for stencilforge (pandas + matplotlib from .venv).

  conv_report.py RUN.json --out-dir docs/results/<machine>
      conv.md: the layer table (ResNet-50 convolutions x batch; columns: each
      algorithm's tiled variant and oneDNN; cells: median GFLOP/s with the
      direct-convolution FLOP count, and % of the measured FMA peak), the
      per-layer ratio of the best stencilforge variant to oneDNN with its
      geometric mean, the filter table against OpenCV, and conv_layers.png.
      Exits 1 if any implementation disagreed with the reference.
"""
import argparse
import json
import math
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sfcatalog  # noqa: E402

CATALOG = sfcatalog.load()

LAYER = re.compile(r"^layer/(?P<layer>[^/]+)/b(?P<batch>\d+)/(?P<impl>[^/]+)")
FILTER = re.compile(r"^filter/(?P<filter>[^/]+)/(?P<impl>[^/]+)")


def short(impl):
    """A catalog conv variant -> the table's column: the algorithm for the host `tiled` schedule
    (conv_direct_f32_tiled_s1 -> direct), <algorithm>_<schedule> for any other host schedule, so two schedules
    never share a column; <device>_<algorithm> for a device's gpu_tiled, <device>_<algorithm>_<schedule> for its
    other schedules (conv_implicit_gemm_f32_cuda_tc_tf32_s1 -> cuda_implicit_gemm_tc_tf32). Anchors (not in the
    catalog) keep their name. The parts come from the catalog's fields (tools/sfcatalog), not from the name."""
    v = CATALOG.find_conv(impl)
    if v is None:
        return impl
    a = v.algorithm.removeprefix("conv_")
    if v.device == "host":
        return a if v.base_schedule == "tiled" else f"{a}_{v.base_schedule}"
    return f"{v.device}_{a}" + ("" if v.base_schedule == "gpu_tiled" else f"_{v.base_schedule}")


# The table columns, in catalog order: host tiled layer algorithms, CUDA Halide layers, CUDA tensor-core layers.
_LAYERS = [v for v in CATALOG.conv_variants if v.family == "layer"]
ALGORITHMS = list(dict.fromkeys(short(v.name) for v in _LAYERS if v.device == "host" and v.base_schedule == "tiled"))
GPU_ALGORITHMS = list(dict.fromkeys(short(v.name) for v in _LAYERS if v.device == "cuda" and v.engine == "halide"))
TC_ALGORITHMS = list(dict.fromkeys(short(v.name) for v in _LAYERS if v.device == "cuda" and v.engine == "handwritten"))


def load(path):
    data = json.load(open(path))
    layers, filters = {}, {}
    for b in data["benchmarks"]:
        name = b["name"].removesuffix("/real_time")
        m, f = LAYER.match(name), FILTER.match(name)
        if m:
            rec = layers.setdefault((m["layer"], int(m["batch"]), short(m["impl"])), {})
        elif f:
            impl = "opencv" if f["impl"] == "opencv" else "stencilforge"
            rec = filters.setdefault((f["filter"], impl), {})
        else:
            continue
        if b.get("error_occurred"):
            rec["error"] = b.get("error_message", "error")
        elif b.get("aggregate_name") == "median" or (b.get("run_type") == "iteration" and "gflops" not in rec):
            rec.update(gflops=b["FLOP/s"] * 1e-9, peak=b["peak_frac"], label=b.get("label", ""))
        elif b.get("aggregate_name") == "cv":
            rec["cv"] = b["FLOP/s"]
    return data["context"], layers, filters


def cell(rec, bold=False, of_peak=True):
    """GFLOP/s, with the % of the CPU's FMA peak only where that peak applies (not on GPU rows)."""
    if rec is None:
        return "-"
    if "gflops" not in rec:
        return f"n/a: {rec.get('error', '?')[:60]}"
    s = f"{rec['gflops']:.0f}" + (f" ({rec['peak'] * 100:.0f}%)" if of_peak else "")
    return f"**{s}**" if bold else s


def host_columns(layers):
    """The host implementations in this run: the tiled algorithms first, then any other host schedule."""
    found = dict.fromkeys(impl for (_, _, impl) in layers)
    extra = [i for i in found if i not in ALGORITHMS and not i.startswith("cuda_") and not i.startswith("cudnn")
             and i != "onednn"]
    return ALGORITHMS + extra


def layer_order(layers):
    seen = []
    for (layer, batch, _) in layers:
        if (layer, batch) not in seen:
            seen.append((layer, batch))
    return sorted(seen, key=lambda k: (k[1], seen.index(k)))


def best_ours(layers, layer, batch, algorithms):
    recs = [(a, layers.get((layer, batch, a))) for a in algorithms]
    recs = [(a, r) for a, r in recs if r and "gflops" in r]
    return max(recs, key=lambda ar: ar[1]["gflops"]) if recs else (None, None)


def layer_table(layers):
    columns = host_columns(layers)
    head = "| layer | batch | shape | " + " | ".join(columns) + " | oneDNN | best / oneDNN |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for layer, batch in layer_order(layers):
        algo, best = best_ours(layers, layer, batch, columns)
        dnn = layers.get((layer, batch, "onednn"))
        ratio = f"{best['gflops'] / dnn['gflops']:.2f}x ({algo})" if best and dnn and "gflops" in dnn else "-"
        label = next((r.get("label", "") for (l, b, _), r in layers.items() if l == layer and b == batch), "")
        cells = [cell(layers.get((layer, batch, a)), best is not None and a == algo) for a in columns]
        lines.append(f"| {layer} | {batch} | {label.split(' ', 1)[-1]} | " + " | ".join(cells) + f" | {cell(dnn)} | {ratio} |")
    return "\n".join(lines)


def gpu_layer_table(layers, algorithms=GPU_ALGORITHMS, anchor="cudnn"):
    """GPU rows (a CUDA device was there): stencilforge's CUDA layers next to cuDNN, both on device tensors."""
    if not any(impl == anchor for (_, _, impl) in layers):
        return "No GPU rows: this run had no CUDA device."
    head = "| layer | batch | " + " | ".join(algorithms) + f" | {anchor} | best / {anchor} |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for layer, batch in layer_order(layers):
        algo, best = best_ours(layers, layer, batch, algorithms)
        ref = layers.get((layer, batch, anchor))
        ratio = f"{best['gflops'] / ref['gflops']:.2f}x ({algo})" if best and ref and "gflops" in ref else "-"
        cells = [cell(layers.get((layer, batch, a)), best is not None and a == algo, of_peak=False) for a in algorithms]
        lines.append(f"| {layer} | {batch} | " + " | ".join(cells) + f" | {cell(ref, of_peak=False)} | {ratio} |")
    return "\n".join(lines)


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def layer_ratios(layers):
    out = []
    columns = host_columns(layers)
    for batch in sorted({b for _, b, _ in layers}):
        best_r, per_algo = [], {a: [] for a in columns}
        for layer, b in layer_order(layers):
            dnn = layers.get((layer, b, "onednn"))
            if b != batch or not dnn or "gflops" not in dnn:
                continue
            _, best = best_ours(layers, layer, b, columns)
            if best:
                best_r.append((layer, best["gflops"] / dnn["gflops"]))
            for a in columns:
                r = layers.get((layer, b, a))
                if r and "gflops" in r:
                    per_algo[a].append(r["gflops"] / dnn["gflops"])
        if not best_r:
            continue
        low = [f"{l} {r:.2f}x" for l, r in best_r if r < 0.7]
        out.append(f"- batch {batch}: best stencilforge variant / oneDNN, geometric mean over {len(best_r)} layers "
                   f"**{geomean([r for _, r in best_r]):.2f}x** (min {min(r for _, r in best_r):.2f}x, max "
                   f"{max(r for _, r in best_r):.2f}x); below 0.7x: {', '.join(low) if low else 'none'}")
        out.append("  - per algorithm, geomean over the layers it runs: " +
                   ", ".join(f"{a} {geomean(v):.2f}x ({len(v)})" for a, v in per_algo.items() if v))
    return "\n".join(out)


def filter_table(filters):
    lines = ["| filter | stencilforge | OpenCV | stencilforge / OpenCV |", "|---|---|---|---|"]
    for name in dict.fromkeys(f for f, _ in filters):
        ours, cv = filters.get((name, "stencilforge")), filters.get((name, "opencv"))
        ratio = f"{ours['gflops'] / cv['gflops']:.2f}x" if ours and cv and "gflops" in ours and "gflops" in cv else "-"
        lines.append(f"| {name} | {cell(ours)} | {cell(cv)} | {ratio} |")
    return "\n".join(lines)


def plot_layers(layers, peak, path):
    """One panel per batch; only implementations that measured something get a bar and a colour of their own."""
    batches = sorted({b for _, b, _ in layers})
    impls = [i for i in host_columns(layers) + ["onednn"] if any(i == k[2] and "gflops" in r for k, r in layers.items())]
    pool = [plt.get_cmap(m)(j) for m in ("tab20", "tab20b") for j in range(20)]
    colours = dict(zip(impls, pool))
    keys0 = [k for k in layer_order(layers) if k[1] == batches[0]]
    fig, axes = plt.subplots(len(batches), 1, figsize=(max(10, 1.1 * len(keys0)), 4.5 * len(batches)), squeeze=False)
    width = 0.8 / max(len(impls), 1)
    for ax, batch in zip(axes[:, 0], batches):
        keys = [k for k in layer_order(layers) if k[1] == batch]
        for j, impl in enumerate(impls):
            ys = [layers.get((l, b, impl), {}).get("gflops", 0) for l, b in keys]
            ax.bar([x + (j - len(impls) / 2 + 0.5) * width for x in range(len(keys))], ys, width, label=impl,
                   color=colours[impl])
        ax.axhline(peak, color="black", lw=0.8, ls="--", label="measured FMA peak")
        ax.set_xticks(range(len(keys)), [l.replace("_", "\n", 1) for l, _ in keys], fontsize=8)
        ax.set_xlabel("ResNet-50 layer")
        ax.set_ylabel("GFLOP/s (direct-conv. FLOP count)")
        ax.set_title(f"batch {batch} (missing bar: not applicable to the layer)")
    axes[0, 0].legend(ncol=6, fontsize=8, loc="upper right")
    fig.suptitle("ResNet-50 convolutions: stencilforge algorithms and oneDNN")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def console_layers(layers, peak):
    """The terminal's view, within 120 columns: per layer and batch the fastest stencilforge algorithm
    against oneDNN (every algorithm's cell is in conv.md)."""
    head = f"{'layer':<22} {'batch':>5}  {'fastest stencilforge':<22} {'GFLOP/s':>8} {'peak':>5}  {'oneDNN':>8}  {'ratio':>6}"
    out = [head, "-" * len(head)]
    for layer, batch in layer_order(layers):
        algo, best = best_ours(layers, layer, batch, host_columns(layers))
        dnn = layers.get((layer, batch, "onednn"))
        if not best:
            continue
        d = f"{dnn['gflops']:8.1f}" if dnn and "gflops" in dnn else f"{'-':>8}"
        ratio = f"{best['gflops'] / dnn['gflops']:5.2f}x" if dnn and "gflops" in dnn else f"{'-':>6}"
        out.append(f"{layer[:22]:<22} {batch:>5}  {algo[:22]:<22} {best['gflops']:8.1f} {100 * best['gflops'] / peak:4.0f}%  "
                   f"{d}  {ratio}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--title", default="stencilforge convolutions")
    a = ap.parse_args()
    ctx, layers, filters = load(a.json)
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    peak = float(ctx.get("fma_peak_f32_GFLOPs", "nan"))
    plot = out / "conv_layers.png"
    if layers:
        plot_layers(layers, peak, plot)
    md = "\n".join([
        f"# {a.title}", "",
        f"- run: {ctx.get('date', '?')}, raw results `{Path(a.json).name}`",
        f"- CPU: {ctx.get('cpu_model', '?')}, {ctx.get('num_cpus', '?')} hardware threads; threads used "
        f"(Halide, OpenMP/oneDNN, OpenCV): {ctx.get('threads', '?')}; kernel ISA {ctx.get('cpu_isa', '?')}",
        f"- compiler: {ctx.get('compiler', '?')}; Halide {ctx.get('halide', '?')}; anchors: {ctx.get('anchors', '?')}"
        f" (held to: {ctx.get('anchors_isa', 'not recorded')})",
        f"- measured FMA peak (f32, all threads): {peak:.0f} GFLOP/s", "",
        "Cells: median GFLOP/s over the repetitions, counting 2 FLOP per multiply-add of the direct "
        "convolution for every algorithm (Winograd does fewer real multiplies, so its number is an effective "
        "rate), and % of the FMA peak. Best stencilforge cell per row in bold. Layers: NHWC f32, bias + ReLU "
        "fused, oneDNN with its preferred weight format (reordered once, untimed). Every implementation was "
        "checked against the plain-loop reference first. Filters: clamp boundary, 3840x2160x3 planar f32; "
        "OpenCV runs on each plane.", "",
        "## Layers", "", layer_table(layers), "", "## Ratio to oneDNN (same run)", "", layer_ratios(layers), "",
        "## GPU layers (CUDA, on tensors already in device memory; GFLOP/s only: the GPU's peak is not measured)", "",
        gpu_layer_table(layers), "",
        "## Tensor-core layers (against cuDNN on TF32 tensor cores, same conditions)", "",
        gpu_layer_table(layers, TC_ALGORITHMS, "cudnn_tf32"), "",
        "## Filters", "", filter_table(filters), "",
        f"![GFLOP/s per layer]({plot.name})", "",
    ])
    (out / "conv.md").write_text(md)
    print(console_layers(layers, peak) + "\n\n" + layer_ratios(layers) + "\n\n" + filter_table(filters))
    print(f"\n[report] {out / 'conv.md'}\n[report] plot: {plot}")
    wrong = any(str(r.get("error", "")).startswith("wrong") for r in list(layers.values()) + list(filters.values()))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
