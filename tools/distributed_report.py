"""The distributed benchmark's report (tools/bench_distributed.sh): JSON
lines in, markdown out. Per grid, each case (variant and period) with the
one-process run on 2 threads, 2 ranks x 1 thread with and without overlap,
their ratio (the decomposition's cost), the exchange share of the time, the
messages each rank sent per run, and the weak-scaling efficiency (1 rank on
half the grid against 2 ranks on all of it, time ratio)."""
import json
import sys


def main(path):
    rows = [json.loads(line) for line in open(path)]
    pp = next((r for r in rows if "ping_pong_latency_s" in r), None)
    out = ["# Distributed stencils: scaling on this machine", ""]
    if pp:
        out.append(f"Point to point between 2 ranks (ping-pong): {pp['ping_pong_latency_s'] * 1e6:.2f} us for 8 B, "
                   f"{pp['ping_pong_bandwidth_Bps'] / 1e9:.2f} GB/s for 8 MiB.")
        out.append("")
    runs = [r for r in rows if "variant" in r and r["label"] != "ping_pong"]
    grids = []
    for r in runs:
        if r["label"] != "weak_1rank" and r["grid"] not in grids:
            grids.append(r["grid"])

    def find(label, variant, grid, period=None):
        for r in runs:
            if r["label"] == label and r["variant"] == variant and r["grid"] == grid and (
                    period is None or r.get("period") == period):
                return r
        return None

    for g in grids:
        steps = next(r["steps"] for r in runs if r["grid"] == g)
        out += [f"## {g}, {steps} steps per run (G cell-steps/s; median of the repetitions, slowest rank)", "",
                "| variant | period | one process, 2 threads | 1 rank x 2 threads | 2 ranks x 1 thread | "
                "2 ranks / one process | 2 ranks, no overlap | exchange share | messages per rank | weak scaling |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        cases = [(r["variant"], r["period"]) for r in runs if r["label"] == "2ranks" and r["grid"] == g]
        for variant, period in cases:
            one = find("one_process", variant, g)
            r1 = find("1rank_2thr", variant, g, period)
            r2 = find("2ranks", variant, g, period)
            r2n = find("2ranks_no_overlap", variant, g, period)
            weak = next((r for r in runs if r["label"] == "weak_1rank" and r["variant"] == variant
                         and r["period"] == period), None)
            fmt = lambda r: f"{r['cell_steps_per_s'] / 1e9:.2f}" if r else "-"
            ratio = f"{r2['cell_steps_per_s'] / one['cell_steps_per_s']:.2f}x" if one and r2 else "-"
            weak_eff = f"{weak['seconds'] / r2['seconds']:.2f}" if weak and r2 else "-"
            out.append(f"| {variant} | {period} | {fmt(one)} | {fmt(r1)} | {fmt(r2)} | {ratio} | {fmt(r2n)} | "
                       f"{100 * r2['exchange_fraction']:.1f}% | {r2['messages_per_rank']} | {weak_eff} |")
        out.append("")
        # Deep halo against per-step exchange: the t1 kernel's two periods, and the fused kernels.
        per_step = next((r for r in runs if r["label"] == "2ranks" and r["grid"] == g and r["period"] == 1), None)
        if per_step:
            out.append(f"Against per-step exchange ({per_step['variant']}, period 1: "
                       f"{per_step['messages_per_rank']} messages per rank per run):")
            out.append("")
            for r in runs:
                if r["label"] == "2ranks" and r["grid"] == g and r["period"] > 1:
                    out.append(f"- {r['variant']} period {r['period']}: "
                               f"{per_step['messages_per_rank'] / max(r['messages_per_rank'], 1):.0f}x fewer messages, "
                               f"{per_step['seconds'] / r['seconds']:.2f}x the speed")
            out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
