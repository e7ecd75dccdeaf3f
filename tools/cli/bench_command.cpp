// `stencilforge bench`: one problem (kernels or families, a grid, steps,
// threads) in the spirit of oneDNN's benchdnn. The correctness mode holds
// the result to the plain-loop reference (reference/) within the kernel's
// contract; the performance mode times repetitions after a warm-up and
// prints the median with its spread and the fraction of this machine's roof
// (its memory and FMA roofs, measured once per process or read from the
// tuning record: machine_profile()).
#include "bench_command.h"

#include "run_input.h"
#include "variant_check.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace stencilforge::cli {

namespace {


// The roof for `v` on `extent`, cell-steps/s: a pass moves each cell in and
// out once (from DRAM, or the LLC when both grids fit it) for `depth` steps,
// and does `taps` FMAs per cell-step. Beyond the LLC, a kernel with
// non-temporal stores is held to the copy with such stores (no
// write-allocate reads), as the benchmark suite holds it.
std::pair<double, std::string> roof(const VariantInfo &v, const std::vector<std::int64_t> &extent) {
    const MachineProfile &m = machine_profile();
    std::int64_t cells = 1;
    for (auto e : extent) cells *= e;
    const double bytes = 2.0 * static_cast<double>(size_of(v.dtype));
    const bool in_llc = 2.0 * static_cast<double>(cells) * static_cast<double>(size_of(v.dtype)) <= double(m.llc_bytes);
    const bool streaming = !in_llc && v.nontemporal_stores;
    const double copy = in_llc ? m.llc_copy_bytes_per_s : streaming ? dram_streaming_copy_bytes_per_s() : m.dram_copy_bytes_per_s;
    const double memory = copy / bytes * v.depth;
    const double fma = v.dtype == DType::f32 ? m.fma_f32_flops : m.fma_f64_flops;
    const double compute = fma / (2.0 * v.num_coefficients());
    if (memory < compute) {
        return {memory, in_llc ? "LLC bandwidth" : streaming ? "DRAM bandwidth, non-temporal stores" : "DRAM bandwidth"};
    }
    return {compute, "FMA peak"};
}

}  // namespace

int bench_command(const BenchRequest &b, std::ostream &out) {
    const std::vector<std::int64_t> extent = parse_grid(b.grid);
    if (b.threads > 0) set_num_threads(b.threads);
    const bool corr = b.mode != "perf", perf = b.mode != "corr";
    nlohmann::json rows = nlohmann::json::array();
    int failures = 0;
    for (const std::string &kernel : b.kernels) {
        const VariantInfo &v = resolve_kernel(kernel, extent, b.steps);
        if (static_cast<int>(extent.size()) != v.dims) {
            throw Error("kernel '" + v.name + "' is " + std::to_string(v.dims) + "-D; --grid " + b.grid + " is not");
        }
        const std::vector<double> coeffs = reference::random_weights(v.num_coefficients(), 5);
        nlohmann::json row{{"kernel", kernel}, {"variant", v.name}, {"grid", b.grid}, {"steps", b.steps},
                           {"threads", num_threads()}};
        std::string line = v.name + (v.name == kernel ? "" : " (the pick for " + kernel + ")") + ", " + b.grid + ", " +
                           std::to_string(b.steps) + " steps, " + std::to_string(num_threads()) + " threads:";
        if (corr) {
            const double err = reference::variant_error(v, extent, b.steps, coeffs, 11);
            const double tol = reference::contract(v);
            const bool ok = err <= tol;
            failures += !ok;
            row["max_rel_error"] = err;
            row["tolerance"] = tol;
            row["correct"] = ok;
            char text[128];
            std::snprintf(text, sizeof text, " %s (max relative error %.1e, contract %.0e);", ok ? "PASS" : "FAIL", err, tol);
            line += text;
        }
        if (perf) {
            std::int64_t cells = 1;
            for (auto e : extent) cells *= e;
            const std::size_t bytes = static_cast<std::size_t>(cells) * size_of(v.dtype);
            std::vector<std::byte> a(bytes), c(bytes);
            const PreparedStencil p(v.name, b.steps);
            Workspace ws;
            const ConstGridView in(a.data(), v.dtype, extent);
            const GridView o(c.data(), v.dtype, extent);
            p.run(in, o, coeffs, ws);  // warm-up: first touch, the kernel's first call
            std::vector<double> times;
            for (int r = 0; r < b.reps; ++r) {
                const auto t0 = std::chrono::steady_clock::now();
                p.run(in, o, coeffs, ws);
                times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            std::sort(times.begin(), times.end());
            const double median = times[times.size() / 2], work = double(cells) * std::max(b.steps, 1);
            const auto [limit, bound] = roof(v, extent);
            const double rate = work / median, spread = (times.back() - times.front()) / median;
            row["cell_steps_per_s"] = rate;
            row["seconds_median"] = median;
            row["seconds_min"] = times.front();
            row["seconds_max"] = times.back();
            row["spread"] = spread;
            row["roof_cell_steps_per_s"] = limit;
            row["roof"] = bound;
            row["roof_fraction"] = rate / limit;
            row["roofs_from"] = machine_profile().roofs_from;
            char text[256];
            std::snprintf(text, sizeof text,
                          " %.2f G cell-steps/s (median of %d; %.1f%% spread), %.0f%% of the %.1f G cell-steps/s "
                          "roof (%s)",
                          rate / 1e9, b.reps, 100 * spread, 100 * rate / limit, limit / 1e9, bound.c_str());
            line += text;
        }
        rows.push_back(row);
        if (!b.json) out << line << "\n";
    }
    if (b.json) out << rows.dump(2) << "\n";
    return failures ? 1 : 0;
}

}  // namespace stencilforge::cli
