// The convolution benchmark: every catalog layer variant on the ResNet-50
// convolutions (batch 1 and 8) next to oneDNN, and the image filters on a 4K
// RGB image next to OpenCV, with the machine's FMA peak measured in the same
// run. Every implementation, anchors included, is checked against the
// plain-loop reference before it is timed (layers at batch 1 on the real
// shape, filters on a ragged crop), and layers again after timing at the
// timed batch, at sampled elements, through the entry point that was timed;
// a wrong one is reported as an error.
//
// Counters: FLOP/s with the direct-convolution count for every algorithm
// (2 x N x H_out x W_out x C_out x C_in x K^2; filters 2 x W x H x C x K^2,
// separable ones too), so the numbers compare; peak_frac: FLOP/s over the
// measured f32 FMA peak.
#include "anchors.h"
#include "bench_harness.h"
#include "conv_reference.h"
#include "conv_suite.h"
#include "device.h"
#include "stencilforge/roofline.h"
#include "stencil_reference.h"
#include "stencilforge/stencilforge.h"

#include <benchmark/benchmark.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <tuple>
#include <functional>
#include <map>
#include <memory>
#include <random>

namespace {

using namespace stencilforge;
namespace ref = stencilforge::reference;

std::vector<float> random_floats(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (auto &x : v) x = u(rng);
    return v;
}

// A layer's operands at one batch size, kept for all its implementations.
struct LayerData {
    int id;  // unique per object: what a runner's prepared layer was built for
    ref::Layer shape;
    std::vector<float> in, weights, bias, out;
    bool verify = false;  // the check's data: device runners copy their result back into `out`
    LayerData(const bench::LayerCase &c, int batch)
        : id(next_id()),
          shape{batch, c.height, c.width, c.c_in, c.c_out, c.kernel, c.stride, c.pad, true, false},
          in(random_floats(std::size_t(batch) * c.height * c.width * c.c_in, 1)),
          weights(random_floats(std::size_t(c.kernel) * c.kernel * c.c_in * c.c_out, 2)),
          bias(random_floats(c.c_out, 3)),
          out(std::size_t(batch) * shape.out_h() * shape.out_w() * c.c_out) {}
    static int next_id() {
        static int n = 0;
        return n++;
    }
    double flops() const {
        const ref::Layer &l = shape;
        return 2.0 * l.n * l.out_h() * l.out_w() * l.c_out * double(l.c_in) * l.k * l.k;
    }
};

// Runs one implementation on a layer's data (its output into d.out).
using LayerRunner = std::function<void(LayerData &)>;

// The prepared layer (or oneDNN primitive) a runner built for the last
// LayerData it saw; a different one (the check's, then the timed one)
// rebuilds it, outside the timed loop.
template <typename T>
struct LastBuilt {
    int id = -1;
    std::unique_ptr<T> object;
    template <typename Make>
    T &for_data(const LayerData &d, Make &&make) {
        if (id != d.id) {
            object = make();
            id = d.id;
        }
        return *object;
    }
};

// Weights prepared once per layer (PreparedConv2d), as oneDNN's are: the
// timing covers the layer, not the one-off weight copy or Winograd transform.
LayerRunner halide_layer(const ConvVariantInfo &v) {
    auto built = std::make_shared<LastBuilt<PreparedConv2d>>();
    return [v, built](LayerData &d) {
        const ref::Layer &l = d.shape;
        const PreparedConv2d &layer = built->for_data(d, [&] {
            return std::make_unique<PreparedConv2d>(l.c_in, l.c_out, d.weights, d.bias,
                                                    LayerParams{l.k, l.stride, l.pad, l.relu},
                                                    LayerOptions{v.algorithm, v.schedule});
        });
        layer.run({d.in.data(), l.n, l.h, l.w, l.c_in}, {d.out.data(), l.n, l.out_h(), l.out_w(), l.c_out});
    };
}

// An anchor (the oneDNN primitive) is built per shape and batch, once,
// outside the timing.
template <typename Anchor>
LayerRunner anchor_layer() {
    auto built = std::make_shared<LastBuilt<Anchor>>();
    return [built](LayerData &d) {
        const ref::Layer &l = d.shape;
        built->for_data(d, [&] {
                  return std::make_unique<Anchor>(
                      anchors::LayerShape{l.n, l.h, l.w, l.c_in, l.c_out, l.k, l.stride, l.pad, l.relu},
                      d.weights.data(), d.bias.data());
              })
            .run(d.in.data(), d.out.data());
    };
}

// GPU rows run on tensors already in device memory: the input goes up once
// per layer data (outside the timing) and the result comes back only for the
// check, so both GPU columns (stencilforge's CUDA layers, cuDNN) time
// kernels, not PCIe.
struct DeviceTensors {
    bench::DeviceArray in, out;
    explicit DeviceTensors(const LayerData &d) : in(d.in.size() * sizeof(float)), out(d.out.size() * sizeof(float)) {
        if (!device_available("cuda")) throw std::runtime_error("no CUDA device here (" + describe_devices() + ")");
        if (!in.data() || !out.data() || !bench::copy_to_device(in.data(), d.in.data(), d.in.size() * sizeof(float))) {
            throw std::runtime_error("no device memory for this layer");
        }
    }
    void result_to(LayerData &d) const {
        if (d.verify && !bench::copy_to_host(d.out.data(), out.data(), d.out.size() * sizeof(float))) {
            throw std::runtime_error("copying the result back failed");
        }
    }
};

template <typename Layer>
struct OnDevice {
    Layer layer;
    DeviceTensors tensors;
    template <typename... Args>
    OnDevice(const LayerData &d, Args &&...args) : layer(std::forward<Args>(args)...), tensors(d) {}
};

LayerRunner halide_gpu_layer(const ConvVariantInfo &v) {
    auto built = std::make_shared<LastBuilt<OnDevice<PreparedConv2d>>>();
    return [v, built](LayerData &d) {
        const ref::Layer &l = d.shape;
        auto &b = built->for_data(d, [&] {
            return std::make_unique<OnDevice<PreparedConv2d>>(d, l.c_in, l.c_out, d.weights, d.bias,
                                                              LayerParams{l.k, l.stride, l.pad, l.relu},
                                                              LayerOptions{v.algorithm, v.schedule});
        });
        b.layer.run_on_device({b.tensors.in.data(), l.n, l.h, l.w, l.c_in},
                              {b.tensors.out.data(), l.n, l.out_h(), l.out_w(), l.c_out});
        b.tensors.result_to(d);
    };
}

#if SF_HAVE_CUDNN
LayerRunner cudnn_layer(anchors::CudnnConv::Math math) {
    auto built = std::make_shared<LastBuilt<OnDevice<anchors::CudnnConv>>>();
    return [math, built](LayerData &d) {
        const ref::Layer &l = d.shape;
        auto &b = built->for_data(d, [&] {
            return std::make_unique<OnDevice<anchors::CudnnConv>>(
                d, anchors::LayerShape{l.n, l.h, l.w, l.c_in, l.c_out, l.k, l.stride, l.pad, l.relu}, d.weights.data(),
                d.bias.data(), math);
        });
        b.layer.run_device(b.tensors.in.data(), b.tensors.out.data());
        b.tensors.result_to(d);
    };
}
#endif

// The check at batch 1 on the layer's real shape, against the reference;
// `scale` gets the reference's largest |value|, the normaliser of the
// tolerance (max error / max |reference|).
std::string check_layer(const bench::LayerCase &c, LayerRunner &runner, double tolerance, double &scale) {
    static std::map<std::string, std::vector<double>> expected;
    LayerData d(c, 1);
    d.verify = true;
    auto &e = expected[c.name];
    if (e.empty()) e = ref::conv_layer(d.shape, d.in, d.weights, d.bias);
    scale = 0;
    for (double x : e) scale = std::max(scale, std::abs(x));
    runner(d);
    const double err = ref::max_rel_error(d.out.data(), e);
    return err <= tolerance ? "" : "wrong result: error " + std::to_string(err) + " over tolerance";
}

// The timed shape (its batch), through the entry point that was timed, run
// once more after timing with the result read back, at sampled elements
// against the reference. Image 0 of every batch is the check's image (the
// same seed), so the check's `scale` normalises the error here too.
std::string check_timed_layer(LayerData &d, LayerRunner &runner, double tolerance, double scale) {
    d.verify = true;
    runner(d);
    d.verify = false;
    const ref::Layer &l = d.shape;
    std::mt19937 rng(17);
    for (int sample = 0; sample < 4096; ++sample) {  // dense enough to hit a fault in 1 of 100 elements
        const int n = rng() % l.n, oy = rng() % l.out_h(), ox = rng() % l.out_w(), co = rng() % l.c_out;
        const double want = ref::conv_layer_at(l, d.in, d.weights, d.bias, n, oy, ox, co);
        const double got = d.out[((static_cast<std::size_t>(n) * l.out_h() + oy) * l.out_w() + ox) * l.c_out + co];
        if (!(std::abs(got - want) <= tolerance * scale)) {
            return "wrong result at the timed batch " + std::to_string(l.n) + ": image " + std::to_string(n) + " (" +
                   std::to_string(oy) + ", " + std::to_string(ox) + ", " + std::to_string(co) + ") is " +
                   std::to_string(got) + ", the reference gives " + std::to_string(want);
        }
    }
    return "";
}

void bench_layer(benchmark::State &state, const std::string &id, const bench::LayerCase &c, int batch,
                 LayerRunner runner, double tolerance, double peak) {
    static std::map<std::string, std::unique_ptr<LayerData>> data;  // per layer and batch, shared by implementations
    auto &d = data[c.name + "/" + std::to_string(batch)];
    static std::map<std::string, double> scales;  // per layer, from its check
    double &scale = scales[c.name];
    if (!bench::prepared(state, id, [&] {
            if (!d) d = std::make_unique<LayerData>(c, batch);
            std::string refusal = check_layer(c, runner, tolerance, scale);
            if (refusal.empty()) runner(*d);  // warm-up (and oneDNN's primitive)
            return refusal;
        })) {
        return;
    }
    for (auto _ : state) {
        runner(*d);
        benchmark::ClobberMemory();
    }
    // The timer has stopped with the loop: the check is not timed.
    if (const std::string wrong = check_timed_layer(*d, runner, tolerance, scale); !wrong.empty()) {
        state.SkipWithError(wrong.c_str());
        return;
    }
    using C = benchmark::Counter;
    state.counters["FLOP/s"] = C(d->flops(), C::kIsIterationInvariantRate);
    state.counters["peak_frac"] = C(d->flops() / peak, C::kIsIterationInvariantRate);
    state.SetLabel("N" + std::to_string(batch) + " " + std::to_string(c.height) + "x" + std::to_string(c.width) + "x" +
                   std::to_string(c.c_in) + "->" + std::to_string(c.c_out) + " K" + std::to_string(c.kernel) + " s" +
                   std::to_string(c.stride));
}

// --- filters ---------------------------------------------------------------

struct FilterData {
    int w, h, c;
    std::vector<float> in, out, taps, row;
    FilterData(int w_, int h_, int c_, int k)
        : w(w_), h(h_), c(c_), in(random_floats(std::size_t(w) * h * c, 4)), out(in.size()), row(random_floats(k, 5)) {
        taps = random_floats(std::size_t(k) * k, 6);
    }
};
using FilterRunner = std::function<void(FilterData &, const bench::FilterCase &)>;

FilterRunner halide_filter() {
    return [](FilterData &d, const bench::FilterCase &f) {
        FilterOptions o;
        o.boundary = Boundary::clamp;
        o.route_separable = false;
        if (f.separable) {
            sep_filter2d({d.in.data(), d.w, d.h, d.c}, d.row, d.row, {d.out.data(), d.w, d.h, d.c}, o);
        } else {
            filter2d({d.in.data(), d.w, d.h, d.c}, d.taps, {d.out.data(), d.w, d.h, d.c}, o);
        }
    };
}

#if SF_HAVE_OPENCV
FilterRunner opencv_filter() {
    return [](FilterData &d, const bench::FilterCase &f) {
        if (f.separable) {
            anchors::opencv_sep_filter2d({d.in.data(), d.w, d.h, d.c}, d.row, d.row, {d.out.data(), d.w, d.h, d.c},
                                         Boundary::clamp);
        } else {
            anchors::opencv_filter2d({d.in.data(), d.w, d.h, d.c}, d.taps, {d.out.data(), d.w, d.h, d.c},
                                     Boundary::clamp);
        }
    };
}
#endif

std::string check_filter(const bench::FilterCase &f, FilterRunner &runner) {
    FilterData d(517, 301, 3, f.k);
    runner(d, f);
    std::vector<double> taps(d.taps.begin(), d.taps.end());
    if (f.separable) {
        for (int y = 0; y < f.k; ++y) {
            for (int x = 0; x < f.k; ++x) taps[y * f.k + x] = double(d.row[x]) * d.row[y];
        }
    }
    const auto e = ref::filter(d.in, d.w, d.h, d.c, taps, f.k, f.k, ref::Edge::clamp, 0.0);
    const double err = ref::max_rel_error(d.out.data(), e);
    return err <= 1e-5 ? "" : "wrong result: error " + std::to_string(err);
}

void bench_filter(benchmark::State &state, const std::string &id, const bench::FilterCase &f, FilterRunner runner,
                  double peak) {
    static std::unique_ptr<FilterData> data;
    const auto size = bench::filter_image();
    if (!bench::prepared(state, id, [&] {
            if (!data || int(data->row.size()) != f.k) {
                data = std::make_unique<FilterData>(size.width, size.height, size.channels, f.k);
            }
            std::string refusal = check_filter(f, runner);
            if (refusal.empty()) runner(*data, f);  // warm-up
            return refusal;
        })) {
        return;
    }
    for (auto _ : state) {
        runner(*data, f);
        benchmark::ClobberMemory();
    }
    const double flops = 2.0 * size.width * size.height * size.channels * double(f.k) * f.k;
    using C = benchmark::Counter;
    state.counters["FLOP/s"] = C(flops, C::kIsIterationInvariantRate);
    state.counters["peak_frac"] = C(flops / peak, C::kIsIterationInvariantRate);
    state.SetLabel(std::to_string(size.width) + "x" + std::to_string(size.height) + "x" + std::to_string(size.channels));
}

}  // namespace

int main(int argc, char **argv) {
    int threads = 0;
    double given_peak_gflops = 0;
    CLI::App app{"stencilforge convolution benchmark; other flags go to Google Benchmark"};
    app.allow_extras();
    app.add_option("--threads", threads, "Threads for Halide, OpenMP (oneDNN) and OpenCV (default: hardware threads)");
    app.add_option("--fma-peak-f32-gflops", given_peak_gflops,
                   "The f32 FMA peak the stencil suite measured in the same job (same threads and ISA), so both "
                   "suites divide by one measurement; measured here when absent")
        ->check(CLI::Range(1.0, 1.0e7));  // GFLOP/s; CLI::PositiveNumber would print a 309-digit bound
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    }
    bench::BenchmarkArgs rest(app, argv[0]);
    const std::string anchor_isa = anchors::hold_to_active_isa(argv);

    threads = bench::use_threads(threads);
#if SF_HAVE_OPENCV
    anchors::opencv_set_threads(threads);
#endif
    double peak = given_peak_gflops * 1e9;
    if (peak > 0) {
        std::fprintf(stderr, "[bench] FMA peak from the stencil suite of this job: %.0f GFLOP/s\n", given_peak_gflops);
    } else {
        std::fprintf(stderr, "[bench] measuring the FMA peak, %d threads\n", threads);
        peak = measure_fma_peak(active_cpu_isa() == CpuIsa::avx512, 5).f32_flops;
    }
    benchmark::AddCustomContext("fma_peak_source", given_peak_gflops > 0 ? "the stencil suite of this job" : "measured by this suite");
    benchmark::AddCustomContext("threads", std::to_string(threads));
    benchmark::AddCustomContext("cpu_isa", to_string(active_cpu_isa()));
    benchmark::AddCustomContext("fma_peak_f32_GFLOPs", std::to_string(peak * 1e-9));
    benchmark::AddCustomContext("anchors", anchors::describe());
    benchmark::AddCustomContext("anchors_isa", anchor_isa);
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("halide", SF_HALIDE_VERSION);

    int registered = 0;
    auto add = [&](benchmark::internal::Benchmark *b) {
        b->UseRealTime()->Unit(benchmark::kMillisecond);
        ++registered;
    };
    for (int batch : bench::layer_batches()) {
        for (const auto &c : bench::resnet50_layers()) {
            const std::string prefix = "layer/" + c.name + "/b" + std::to_string(batch) + "/";
            for (const auto &v : conv_catalog()) {
                const bool fits = std::find(v.kernel_sizes.begin(), v.kernel_sizes.end(), c.kernel) != v.kernel_sizes.end();
                // The naive schedule would take minutes per layer: tests cover
                // it. OpenCL runs on PoCL here, a CPU, not a GPU: tests too.
                // CUDA rows run where a GPU is (else they report n/a).
                if (v.family != "layer" || v.schedule == "naive" || v.device == "opencl" || v.stride != c.stride ||
                    !fits) {
                    continue;
                }
                const std::string id = prefix + v.name;
                add(benchmark::RegisterBenchmark(id.c_str(), bench_layer, id, c, batch,
                                                 v.device == "cuda" ? halide_gpu_layer(v) : halide_layer(v), v.tolerance,
                                                 peak));
            }
#if SF_HAVE_ONEDNN
            const std::string id = prefix + "onednn";
            add(benchmark::RegisterBenchmark(id.c_str(), bench_layer, id, c, batch, anchor_layer<anchors::OneDnnConv>(), 1e-5, peak));
#endif
#if SF_HAVE_CUDNN
            if (device_available("cuda")) {
                // FP32 (the f32 layers' anchor) and TF32 tensor cores (the
                // tensor-core layers'), held to the contracts of each.
                using Math = anchors::CudnnConv::Math;
                for (auto [math, suffix, tolerance] : {std::tuple{Math::fp32, "cudnn", 1e-5},
                                                       std::tuple{Math::tf32, "cudnn_tf32", 2e-3}}) {
                    const std::string gpu_id = prefix + suffix;
                    add(benchmark::RegisterBenchmark(gpu_id.c_str(), bench_layer, gpu_id, c, batch,
                                                     cudnn_layer(math), tolerance, peak));
                }
            }
#endif
        }
    }
    for (const auto &f : bench::image_filters()) {
        const std::string algorithm = f.separable ? "sepfilter" : "filter2d";
        const std::string prefix = "filter/" + f.name + "/";
        const std::string id = prefix + algorithm + "_f32_tiled_clamp";
        add(benchmark::RegisterBenchmark(id.c_str(), bench_filter, id, f, halide_filter(), peak));
#if SF_HAVE_OPENCV
        const std::string cv_id = prefix + "opencv";
        add(benchmark::RegisterBenchmark(cv_id.c_str(), bench_filter, cv_id, f, opencv_filter(), peak));
#endif
    }
    std::fprintf(stderr, "[bench] %d convolution benchmarks (anchors: %s)\n", registered, anchors::describe().c_str());
    benchmark::Initialize(rest.argc(), rest.argv());
    if (benchmark::ReportUnrecognizedArguments(*rest.argc(), rest.argv())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
