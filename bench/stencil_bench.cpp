// The stencil benchmark: every catalog variant (Halide schedules and the
// hand-written baseline) on grids far beyond the last-level cache, next to the
// machine's copy bandwidth measured in the same run. Each kernel is checked
// against the reference once before it is timed, so a fast wrong kernel is
// reported as an error instead of a number.
//
// Counters: cell_steps/s (grid cells x steps per second), bytes/s (one read and
// one write of the grid per pass, as STREAM counts a copy) and bw_frac (bytes/s
// over the measured copy bandwidth).
#include "roofline.h"
#include "stencil_reference.h"
#include "stencilforge/stencilforge.h"

#include <benchmark/benchmark.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <random>
#include <thread>

namespace {

using namespace stencilforge;

struct Options {
    int steps = 8;  // a multiple of every fused depth, so all variants do whole passes
    int threads = 0;
    std::string grid = "large";
    std::string dtypes = "f32,f64";
};

std::vector<std::int64_t> grid_for(const VariantInfo &v, const std::string &size) {
    if (size == "small") return v.dims == 2 ? std::vector<std::int64_t>{1024, 1024} : std::vector<std::int64_t>{128, 128, 64};
    // large: 64 Mi cells, 256 MiB (f32) or 512 MiB (f64) per grid, far beyond any LLC.
    return v.dims == 2 ? std::vector<std::int64_t>{8192, 8192} : std::vector<std::int64_t>{512, 512, 256};
}

std::vector<double> coefficients(const VariantInfo &v) {
    // A normalized smoothing stencil: values stay bounded over many steps.
    std::vector<double> c(v.num_coefficients(), 1.0 / v.num_coefficients());
    return c;
}

template <typename T>
double check_against_reference(const VariantInfo &v) {
    const std::vector<std::int64_t> e = v.dims == 2 ? std::vector<std::int64_t>{67, 45} : std::vector<std::int64_t>{37, 21, 19};
    const std::int64_t nz = v.dims == 3 ? e[2] : 1, cells = e[0] * e[1] * nz;
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<T> in(cells), out(cells);
    for (auto &x : in) x = static_cast<T>(u(rng));
    const int steps = 2 * v.depth + 1;
    run(v.name, ConstGridView(in.data(), v.dtype, e), GridView(out.data(), v.dtype, e), steps, coefficients(v));
    const auto ref = reference::apply(in, e[0], e[1], nz, v.dims, v.pattern == Pattern::box, v.radius,
                                      coefficients(v), steps);
    return reference::max_rel_error(out.data(), ref);
}

template <typename T>
void bench_variant(benchmark::State &state, const VariantInfo &v, const Options &opt, double copy_bw) {
    try {
        if (const double err = check_against_reference<T>(v); !(err <= reference::tolerance<T>())) {
            state.SkipWithError(("wrong result: relative error " + std::to_string(err)).c_str());
            return;
        }
    } catch (const Error &e) {
        state.SkipWithError((std::string("failed: ") + e.what()).c_str());
        return;
    }
    const auto extent = grid_for(v, opt.grid);
    GridView probe(nullptr, v.dtype, extent);
    const std::int64_t cells = probe.cells();
    std::vector<T> in(cells), out(cells);
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < cells; ++i) in[i] = static_cast<T>((i * 7919) % 1000) * T(1e-3);
    const auto c = coefficients(v);
    const ConstGridView in_view(in.data(), v.dtype, extent);
    const GridView out_view(out.data(), v.dtype, extent);
    run(v.name, in_view, out_view, opt.steps, c);  // warm-up: page faults, workspace, thread pools
    for (auto _ : state) {
        run(v.name, in_view, out_view, opt.steps, c);
        benchmark::ClobberMemory();
    }
    const double passes = static_cast<double>(plan_passes(v.name, opt.steps).size());
    const double bytes = passes * 2.0 * static_cast<double>(cells) * sizeof(T);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.counters["cell_steps/s"] = benchmark::Counter(static_cast<double>(cells) * opt.steps,
                                                        benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bw_frac"] = benchmark::Counter(bytes / copy_bw, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["passes"] = passes;
    state.SetLabel(probe.shape_string());
}

}  // namespace

int main(int argc, char **argv) {
    Options opt;
    CLI::App app{"stencilforge stencil benchmark; other flags go to Google Benchmark"};
    app.allow_extras();
    app.add_option("--steps", opt.steps, "Steps per timed run (a multiple of every depth)");
    app.add_option("--threads", opt.threads, "Threads for Halide and OpenMP (default: hardware threads)");
    app.add_option("--grid", opt.grid, "Grid size: large (64 Mi cells) or small")->check(CLI::IsMember({"large", "small"}));
    app.add_option("--dtypes", opt.dtypes, "Comma-separated dtypes to run");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    }
    std::vector<std::string> rest_storage = app.remaining();
    std::vector<char *> rest{argv[0]};
    for (auto &s : rest_storage) rest.push_back(s.data());
    int rest_argc = static_cast<int>(rest.size());

    if (opt.threads <= 0) opt.threads = static_cast<int>(std::thread::hardware_concurrency());
    set_num_threads(opt.threads);
    const bench::Bandwidth bw = bench::measure_copy_bandwidth(std::size_t{1} << 29, 5);
    benchmark::AddCustomContext("threads", std::to_string(opt.threads));
    benchmark::AddCustomContext("cpu_isa", to_string(active_cpu_isa()));
    benchmark::AddCustomContext("copy_bw_memcpy_GBps", std::to_string(bw.memcpy_bytes_per_s * 1e-9));
    benchmark::AddCustomContext("copy_bw_loop_GBps", std::to_string(bw.loop_bytes_per_s * 1e-9));
    benchmark::AddCustomContext("copy_bw_roof_GBps", std::to_string(bw.best() * 1e-9));
    benchmark::AddCustomContext("steps", std::to_string(opt.steps));
    benchmark::AddCustomContext("grid", opt.grid);
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("halide", SF_HALIDE_VERSION);

    for (const auto &v : catalog()) {
        if (opt.dtypes.find(to_string(v.dtype)) == std::string::npos) continue;
        const std::string name = v.name + "/" + GridView(nullptr, v.dtype, grid_for(v, opt.grid)).shape_string();
        auto *b = v.dtype == DType::f32
                      ? benchmark::RegisterBenchmark(name.c_str(), bench_variant<float>, v, opt, bw.best())
                      : benchmark::RegisterBenchmark(name.c_str(), bench_variant<double>, v, opt, bw.best());
        b->UseRealTime()->Unit(benchmark::kMillisecond);
        if (v.schedule == "naive") b->Iterations(1);  // serial scalar code: one timed run is plenty
    }
    benchmark::Initialize(&rest_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
