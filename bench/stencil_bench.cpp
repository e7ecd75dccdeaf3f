// The stencil benchmark: catalog variants (Halide schedules, Halide
// autoschedulers, hand-written baselines) on a grid that fits the last-level
// cache and one far beyond it, next to the machine's roofs measured in the
// same run. Each kernel is checked against the reference once before it is
// timed (random signed weights, so permuted taps fail) and its timed output
// is checked again at sampled cells after timing, through the entry point
// that was timed (run_on_device for GPU rows), so a fast wrong kernel is
// reported as an error instead of a number.
//
// Counters per result: cell_steps/s (grid cells x steps per second); FLOP/s
// (2 per coefficient per cell-step: one multiply-add); bytes/s (one read and
// one write of the grid per pass, as STREAM counts a copy: the compulsory DRAM
// traffic); ai (FLOP per compulsory byte); roof_frac (FLOP/s over
// min(FMA peak, ai x copy bandwidth): the roofline; the memory roof decides
// when ai is below the machine balance); bw_frac (bytes/s over copy bandwidth).
//
// CUDA variants run on grids already in device memory (run_on_device), so a
// GPU row times kernels, not PCIe copies; their roofs are the GPU's copy
// bandwidth measured in the same run (cudaMemcpy device to device) and no
// compute roof (the GPU's FMA peak is not measured): roof_frac = bw_frac there.
#include "bench_harness.h"
#include "bench_suite.h"
#include "device.h"
#include "stencilforge/roofline.h"
#include "variant_check.h"
#include "stencilforge/stencilforge.h"

#include <benchmark/benchmark.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace {

using namespace stencilforge;

struct Roofs {
    Bandwidth bw;
    FmaPeak fma;
    double device_copy = 0;  // bytes/s; 0 without a CUDA device
};

std::vector<double> coefficients(const VariantInfo &v) {
    // Signed, per-offset, a contraction (reference::random_weights), seeded by the shape.
    return reference::random_weights(v.num_coefficients(),
                                     static_cast<unsigned>(v.num_coefficients() * 131 + v.dims * 7 + v.radius));
}

// The timed output itself, checked after timing (untimed) at a few cells,
// corners and edges among them: each against the reference run on a window
// around the cell wide enough (r * (steps + 1) each side) that the window's
// cut edges cannot reach it in `steps` steps. Returns "" or what is wrong.
template <typename T>
std::string check_timed_output(const VariantInfo &v, const T *in, const T *out, const std::vector<std::int64_t> &e,
                               int steps, const std::vector<double> &c) {
    const int dims = v.dims;
    const std::int64_t m = std::int64_t{v.radius} * (steps + 1);
    const double tolerance = v.tolerance > 0 ? v.tolerance : reference::tolerance<T>();
    std::mt19937_64 rng(5);
    for (int sample = 0; sample < 12; ++sample) {
        std::int64_t p[3] = {0, 0, 0}, lo[3] = {0, 0, 0}, n[3] = {1, 1, 1};
        for (int d = 0; d < dims; ++d) {
            // The first samples sit on corners and edges, the rest anywhere.
            p[d] = sample < 4 ? ((sample >> (d % 2)) & 1 ? e[d] - 1 - sample % 3 : sample % 3) : rng() % e[d];
            lo[d] = std::max<std::int64_t>(0, p[d] - m);
            n[d] = std::min<std::int64_t>(e[d] - 1, p[d] + m) - lo[d] + 1;
        }
        std::vector<T> window(n[0] * n[1] * n[2]);
        for (std::int64_t z = 0; z < n[2]; ++z) {
            for (std::int64_t y = 0; y < n[1]; ++y) {
                for (std::int64_t x = 0; x < n[0]; ++x) {
                    window[x + n[0] * (y + n[1] * z)] = in[(lo[0] + x) + e[0] * ((lo[1] + y) + e[1] * (lo[2] + z))];
                }
            }
        }
        const auto ref = reference::apply(window, n[0], n[1], n[2], dims, v.pattern, v.radius, c, steps);
        double scale = 0;
        for (double r : ref) scale = std::max(scale, std::abs(r));
        const double want = ref[(p[0] - lo[0]) + n[0] * ((p[1] - lo[1]) + n[1] * (p[2] - lo[2]))];
        const double got = out[p[0] + e[0] * (p[1] + e[1] * p[2])];
        if (!(std::abs(got - want) <= tolerance * std::max(scale, 1e-30))) {
            return "wrong timed output at (" + std::to_string(p[0]) + ", " + std::to_string(p[1]) +
                   (dims == 3 ? ", " + std::to_string(p[2]) : std::string()) + "): " + std::to_string(got) +
                   ", the reference gives " + std::to_string(want);
        }
    }
    return "";
}

// Grids are reused from one benchmark to the next, so each pays neither the
// allocation nor the page faults of a fresh 256 MiB grid.
std::byte *grid_storage(int which, std::size_t bytes) {
    static std::vector<std::byte> storage[2];
    if (storage[which].size() < bytes) {
        storage[which] = {};
        storage[which].resize(bytes);
    }
    return storage[which].data();
}

// The check, the input and the warm-up run on the first repetition only
// (bench::prepared); repetitions run back to back.
// `key` names the benchmark ("<variant>/<size>", or "auto:<family>/<size>"
// for the auto pick, which times the variant the pick chose).
template <typename T>
void bench_variant(benchmark::State &state, const VariantInfo &v, const bench::Size &size, int steps,
                   const Roofs &roofs, const std::string &key) {
    const auto extent = size.extent(v.dims);
    GridView probe(nullptr, v.dtype, extent);
    const std::int64_t cells = probe.cells();
    T *in = reinterpret_cast<T *>(grid_storage(0, cells * sizeof(T)));
    T *out = reinterpret_cast<T *>(grid_storage(1, cells * sizeof(T)));
    const auto c = coefficients(v);
    const bool on_gpu = v.device == "cuda";
    // GPU rows: the same host grids fill device grids once; the timed runs
    // read and write device memory only.
    T *dev_in = on_gpu ? static_cast<T *>(bench::device_grid(0, cells * sizeof(T))) : nullptr;
    T *dev_out = on_gpu ? static_cast<T *>(bench::device_grid(1, cells * sizeof(T))) : nullptr;
    const ConstGridView in_view(on_gpu ? dev_in : in, v.dtype, extent);
    const GridView out_view(on_gpu ? dev_out : out, v.dtype, extent);
    // Resolved once: the timed loop pays no catalog lookups or plan building.
    const PreparedStencil prepared(v.name, steps);
    const auto step = [&] {
        if (on_gpu) {
            prepared.run_on_device(in_view, out_view, c);
        } else {
            prepared.run(in_view, out_view, c, thread_workspace());
        }
    };
    if (!bench::prepared(state, key, [&]() -> std::string {
            // A full pass and a remainder on the ragged check grid (reference/variant_check.h).
            const double err = reference::variant_error<T>(v, reference::check_grid(v), v.depth + 1, coefficients(v), 11);
            if (!(err <= reference::contract(v))) {
                return "wrong result: relative error " + std::to_string(err);
            }
#pragma omp parallel for schedule(static)
            for (std::int64_t i = 0; i < cells; ++i) in[i] = static_cast<T>((i * 7919) % 1000) * T(1e-3);
            if (on_gpu && (!dev_in || !dev_out || !bench::copy_to_device(dev_in, in, cells * sizeof(T)))) {
                return "refused: no device memory for a " + probe.shape_string() + " grid";
            }
            step();  // warm-up: workspace, thread pools, caches, the GPU's JIT
            return "";
        })) {
        return;
    }
    for (auto _ : state) {
        step();
        benchmark::ClobberMemory();
    }
    // The timer has stopped with the loop: the check is not timed.
    if (on_gpu && !bench::copy_to_host(out, dev_out, cells * sizeof(T))) {
        state.SkipWithError("cannot copy the timed output back from the device");
        return;
    }
    if (const std::string wrong = check_timed_output<T>(v, in, out, extent, steps, c); !wrong.empty()) {
        state.SkipWithError(wrong.c_str());
        return;
    }
    const double passes = static_cast<double>(count_passes(plan_passes(v.name, steps)));
    const double bytes = passes * 2.0 * static_cast<double>(cells) * sizeof(T);
    const double flops = 2.0 * v.num_coefficients() * static_cast<double>(cells) * steps;
    const double ai = flops / bytes;
    const double peak = v.dtype == DType::f32 ? roofs.fma.f32_flops : roofs.fma.f64_flops;
    // Each kernel is held to the copy its stores can reach (roofline.h).
    const double copy_bw = on_gpu ? roofs.device_copy
                                  : (v.nontemporal_stores ? roofs.bw.streaming_copy() : roofs.bw.copy());
    const double roof = on_gpu ? ai * copy_bw : std::min(peak, ai * copy_bw);
    using C = benchmark::Counter;
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.counters["cell_steps/s"] = C(static_cast<double>(cells) * steps, C::kIsIterationInvariantRate);
    state.counters["FLOP/s"] = C(flops, C::kIsIterationInvariantRate);
    state.counters["ai"] = ai;
    state.counters["roof_frac"] = C(flops / roof, C::kIsIterationInvariantRate);
    state.counters["bw_frac"] = C(bytes / copy_bw, C::kIsIterationInvariantRate);
    state.counters["passes"] = passes;
    state.counters["device_roof"] = on_gpu ? 1 : 0;  // roof_frac is of the GPU's copy bandwidth, not the CPU's roofs
    state.SetLabel(std::string(size.name) + " " + probe.shape_string() +
                   (key.starts_with("auto:") ? " pick " + v.name : std::string()));
}

// The auto pick of a (family, size) row, made as a user's run() makes it
// (this machine's tuning record, else the model), timed as
// "auto:<family>/<size>" right after the row's variants, in the same
// conditions (a small grid's timing moved by 10-20% when it ran after the
// large rows instead).
void register_auto_pick(const VariantInfo &member, const bench::Size &size, int steps, const Roofs &roofs) {
    const std::string family = family_of(member);
    const auto extent = size.extent(member.dims);
    const Selection pick = select_variant(family, extent, steps);
    std::fprintf(stderr, "[bench] auto pick %s/%s: %s (%s)\n", family.c_str(), size.name, pick.variant->name.c_str(),
                 pick.reason.c_str());
    const std::string name = "auto:" + family + "/" + size.name;
    auto *b = member.dtype == DType::f32
                  ? benchmark::RegisterBenchmark(name.c_str(), bench_variant<float>, *pick.variant, size, steps, roofs,
                                                 name)
                  : benchmark::RegisterBenchmark(name.c_str(), bench_variant<double>, *pick.variant, size, steps,
                                                 roofs, name);
    b->UseRealTime()->Unit(benchmark::kMillisecond);
    if (std::string(size.name) == "large") b->Iterations(1)->Repetitions(3);
}

}  // namespace

int main(int argc, char **argv) {
    int steps = 8;  // a multiple of every fused depth, so all variants do whole passes
    int threads = 0;
    std::string suite_name = "representative";
    CLI::App app{"stencilforge stencil benchmark; other flags go to Google Benchmark"};
    app.allow_extras();
    app.add_option("--suite", suite_name, "Which kernels and sizes: representative or full")
        ->check(CLI::IsMember({"representative", "full"}));
    app.add_option("--steps", steps, "Steps per timed run (a multiple of every depth)");
    app.add_option("--threads", threads, "Threads for Halide and OpenMP (default: hardware threads)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    }
    bench::BenchmarkArgs rest(app, argv[0]);

    threads = bench::use_threads(threads);
    std::fprintf(stderr, "[bench] measuring roofs: DRAM bandwidth (3 x 512 MiB arrays) and FMA peak, %d threads\n",
                 threads);
    const Roofs roofs{measure_bandwidth(std::size_t{1} << 29, 5),
                      measure_fma_peak(active_cpu_isa() == CpuIsa::avx512, 5),
                      device_available("cuda") ? bench::measure_device_copy_bandwidth(std::size_t{1} << 30, 10) : 0};
    const auto ctx = [](const char *key, double value) { benchmark::AddCustomContext(key, std::to_string(value)); };
    benchmark::AddCustomContext("threads", std::to_string(threads));
    benchmark::AddCustomContext("cpu_isa", to_string(active_cpu_isa()));
    ctx("copy_bw_memcpy_GBps", roofs.bw.memcpy_bytes_per_s * 1e-9);
    ctx("copy_bw_loop_GBps", roofs.bw.loop_bytes_per_s * 1e-9);
    ctx("copy_bw_nontemporal_GBps", roofs.bw.nontemporal_bytes_per_s * 1e-9);
    ctx("copy_bw_roof_GBps", roofs.bw.copy() * 1e-9);
    ctx("triad_bw_GBps", roofs.bw.triad_bytes_per_s * 1e-9);
    ctx("fma_peak_f32_GFLOPs", roofs.fma.f32_flops * 1e-9);
    ctx("fma_peak_f64_GFLOPs", roofs.fma.f64_flops * 1e-9);
    if (roofs.device_copy > 0) ctx("device_copy_bw_GBps", roofs.device_copy * 1e-9);
    benchmark::AddCustomContext("devices", describe_devices());
    benchmark::AddCustomContext("steps", std::to_string(steps));
    benchmark::AddCustomContext("suite", suite_name);
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("halide", SF_HALIDE_VERSION);
    {
        std::string why;
        const bool tuned = load_tuning_record(tuning_record_path(), &why).has_value();
        benchmark::AddCustomContext("tuning_record", tuned ? tuning_record_path() : "none: " + why);
    }

    const bench::Suite &suite = bench::suite(suite_name);
    int registered = 0;
    for (const bench::Size &size : bench::sizes()) {
        // A family's variants are contiguous in the catalog: its auto pick
        // goes right after the last of them that the suite runs.
        const VariantInfo *row = nullptr;
        const auto close_row = [&] {
            if (row) register_auto_pick(*row, size, steps, roofs);
            row = nullptr;
        };
        for (const auto &v : catalog()) {
            if (row && (row->shape != v.shape || row->dtype != v.dtype)) close_row();
            if (!suite.includes(v, size)) continue;
            if (v.device == "host") row = &v;
            const std::string name = v.name + "/" + size.name;
            auto *b = v.dtype == DType::f32
                          ? benchmark::RegisterBenchmark(name.c_str(), bench_variant<float>, v, size, steps, roofs, name)
                          : benchmark::RegisterBenchmark(name.c_str(), bench_variant<double>, v, size, steps, roofs,
                                                         name);
            b->UseRealTime()->Unit(benchmark::kMillisecond);
            // Beyond the LLC one run takes 0.1-4 s: one iteration per
            // repetition, 3 repetitions for the median and the spread.
            if (std::string(size.name) == "large" || v.schedule == "naive") b->Iterations(1)->Repetitions(3);
            ++registered;
        }
        close_row();
    }
    std::fprintf(stderr, "[bench] suite '%s': %d kernels x sizes; one line per result as each finishes\n",
                 suite_name.c_str(), registered);
    benchmark::Initialize(rest.argc(), rest.argv());
    if (benchmark::ReportUnrecognizedArguments(*rest.argc(), rest.argv())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
