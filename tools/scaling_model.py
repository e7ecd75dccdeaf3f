"""The distributed scaling model of docs/distributed.md, from the distributed
benchmark's measurements (tools/bench_distributed.sh's JSON lines):

  time per period of P steps on one rank
      = compute + exchange
      compute  = cells of the halo-padded block * P / R      (the block is
                 updated whole, halo included, every step of the period)
      exchange = sum over the cut dimensions of (alpha + 2 * face bytes / beta)
                 (dimension by dimension; both directions share the rank's
                 bandwidth; a face is H = P*r deep and spans the halos of
                 the dimensions exchanged before it)

R is a rank's rate for the kernel with every core of the node busy (the
one-process run on all cores here, per core: ranks share memory bandwidth
and the LLC as threads do), alpha and beta the point-to-point latency and
bandwidth. It checks itself against the 2-rank loopback runs, then predicts
a 1,000-node machine on a stated network for each period P, and names the P
with the least time per step.

usage: scaling_model.py BENCH.jsonl [--nodes 1000] [--ranks-per-node 8]
       [--link-gbps 100] [--latency-us 2] [--grid 4096x4096x4096 ...]"""
import argparse
import json
import math


def exchange_seconds(block, halo, cut, elem, alpha, beta):
    dims = len(block)
    total = 0.0
    for d in range(dims):
        if not cut[d]:
            continue
        face = halo
        for e in range(dims):
            if e == d:
                continue
            # Dimensions exchanged before d (faster ones) span their halos too.
            face *= block[e] + (2 * halo if (e < d and cut[e]) else 0)
        total += alpha + 2 * face * elem / beta
    return total


def period_seconds(block, halo, cut, steps, rate, elem, alpha, beta):
    padded = 1
    for d, n in enumerate(block):
        padded *= n + (2 * halo if cut[d] else 0)
    return padded * steps / rate + exchange_seconds(block, halo, cut, elem, alpha, beta)


def process_grid(ranks, extent):
    """The factorization of `ranks` whose largest block with an 8-cell halo is smallest (decomposition.cpp's rule)."""
    best = None
    for a in range(1, ranks + 1):
        if ranks % a:
            continue
        rest = ranks // a
        for b in (range(1, rest + 1) if len(extent) == 3 else [rest]):
            if rest % b:
                continue
            p = [a, b, rest // b] if len(extent) == 3 else [a, b]
            cost = math.prod(math.ceil(n / q) + (16 if q > 1 else 0) for n, q in zip(extent, p))
            if best is None or cost < best[0]:
                best = (cost, p)
    return best[1]


def per_core_rate(runs, variant, grid):
    for r in runs:
        if r["label"] == "one_process" and r["variant"] == variant and r["grid"] == grid:
            return r["cell_steps_per_s"] / r["threads"]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--ranks-per-node", type=int, default=8)
    ap.add_argument("--link-gbps", type=float, default=100.0)
    ap.add_argument("--latency-us", type=float, default=2.0)
    ap.add_argument("--grid", action="append",
                    help="global grids to predict (default: 4096^3 and 1024^3 in 3D, 65536^2 in 2D)")
    a = ap.parse_args()
    rows = [json.loads(line) for line in open(a.bench)]
    pp = next(r for r in rows if "ping_pong_latency_s" in r)
    alpha_l, beta_l = pp["ping_pong_latency_s"], pp["ping_pong_bandwidth_Bps"]
    runs = [r for r in rows if "variant" in r]
    elem = 4  # the benchmark's grids are f32

    print("## The model against the loopback runs (2 ranks x 1 thread, this machine)\n")
    print(f"alpha = {alpha_l * 1e6:.2f} us, beta = {beta_l / 1e9:.2f} GB/s (ping-pong); R = the one-process rate "
          "on all cores, per core (one_process rows).\n")
    print("| variant | period | grid | R (G cell-steps/s) | predicted 2 ranks | measured 2 ranks | measured / predicted |")
    print("|---|---|---|---|---|---|---|")
    for r2 in runs:
        if r2["label"] != "2ranks":
            continue
        one = per_core_rate(runs, r2["variant"], r2["grid"])
        if not one:
            continue
        extent = [int(x) for x in r2["grid"].split("x")]
        # The benchmark's 2-rank process grid: the longest dimension is cut (decomposition.cpp's choice).
        cut_dim = max(range(len(extent)), key=lambda d: (extent[d], d))
        block = list(extent)
        block[cut_dim] //= 2
        cut = [d == cut_dim for d in range(len(extent))]
        halo = r2["period"] * r2["radius"]
        rate = one
        # A rank at the end of a 1-D cut has one neighbour: one halo side, one message each way.
        padded = 1
        for d, n in enumerate(block):
            padded *= n + (halo if cut[d] else 0)
        face = halo * math.prod(block[e] for e in range(len(block)) if e != cut_dim)
        per_period = padded * r2["period"] / rate + alpha_l + face * elem / beta_l
        predicted = math.prod(extent) * r2["period"] / per_period
        print(f"| {r2['variant']} | {r2['period']} | {r2['grid']} | {rate / 1e9:.2f} | {predicted / 1e9:.2f} | "
              f"{r2['cell_steps_per_s'] / 1e9:.2f} | {r2['cell_steps_per_s'] / predicted:.2f} |")

    for grid in a.grid or ["4096x4096x4096", "1024x1024x1024", "65536x65536"]:
        predict(grid, a, runs, elem)


def predict(grid, a, runs, elem):
    ranks = a.nodes * a.ranks_per_node
    extent = [int(x) for x in grid.split("x")]
    dims = len(extent)
    procs = process_grid(ranks, extent)
    block = [math.ceil(n / p) for n, p in zip(extent, procs)]
    cut = [p > 1 for p in procs]
    beta = a.link_gbps / 8 * 1e9 / a.ranks_per_node  # the node's link shared by its ranks
    alpha = a.latency_us * 1e-6
    kernels = {}
    for w in runs:
        if w["label"] == "one_process" and len(w["grid"].split("x")) == dims:
            kernels[w["variant"]] = w["cell_steps_per_s"] / w["threads"]
    print(f"\n## Prediction: {a.nodes} nodes x {a.ranks_per_node} ranks = {ranks} ranks, grid {grid} f32\n")
    print(f"Process grid {'x'.join(map(str, procs))}, blocks {'x'.join(map(str, block))}; network: "
          f"{a.link_gbps:.0f} Gb/s per node shared by its ranks ({beta / 1e9:.2f} GB/s each), {a.latency_us:.1f} us "
          "latency, every face off the node (the worst case); R per rank as measured here per core with all cores "
          "busy.\n")
    print("| kernel | period P | halo | compute / step | exchange / step | time / step | exchange share | "
          "messages / step / rank |")
    print("|---|---|---|---|---|---|---|---|")
    best = None
    for variant, rate in sorted(kernels.items()):
        depth, radius = next((r["depth"], r["radius"]) for r in runs if r["variant"] == variant)
        for p in sorted({depth, 2 * depth, 4 * depth, 8, 16, 32}):
            if p % depth or p > 32:
                continue
            halo = p * radius
            if any(c and b < halo for b, c in zip(block, cut)):
                continue
            padded = math.prod(b + (2 * halo if c else 0) for b, c in zip(block, cut))
            comp = padded * p / rate
            comm = exchange_seconds(block, halo, cut, elem, alpha, beta)
            step = (comp + comm) / p
            msgs = 2 * sum(cut) / p
            print(f"| {variant} | {p} | {halo} | {comp / p * 1e3:.3f} ms | {comm / p * 1e3:.3f} ms | "
                  f"{step * 1e3:.3f} ms | {100 * comm / (comp + comm):.1f}% | {msgs:.2f} |")
            if best is None or step < best[0]:
                best = (step, variant, p)
    # The latency above which a t1 kernel's deep halo (P = 8) beats exchanging every step:
    # per step, (compute_8 + k*alpha + bw_8) / 8 = compute_1 + k*alpha + bw_1, k = messages per exchange phase count.
    t1 = next(((v, r) for v, r in kernels.items() if next(x["depth"] for x in runs if x["variant"] == v) == 1), None)
    if t1:
        radius = next(x["radius"] for x in runs if x["variant"] == t1[0])
        k = sum(cut)
        parts = {}
        for p in (1, 8):
            h = p * radius
            padded = math.prod(b + (2 * h if c else 0) for b, c in zip(block, cut))
            parts[p] = padded * p / t1[1] + exchange_seconds(block, h, cut, elem, 0.0, beta)
        if k:
            alpha_even = (parts[8] / 8 - parts[1]) / (k - k / 8)
            print(f"\nFor {t1[0]}, a deep halo of P = 8 beats exchanging every step above a latency of "
                  f"{alpha_even * 1e6:.0f} us on this network's bandwidth.")
    if best:
        print(f"\nLeast time per step: {best[1]} with P = {best[2]} ({best[0] * 1e3:.3f} ms per step, "
              f"{math.prod(extent) / best[0] / 1e12:.2f} T cell-steps/s over the machine).")



if __name__ == "__main__":
    main()
