// The convolution API (conv.h): validate everything, pick the catalog variant,
// wrap the caller's memory in Halide buffers (no copies) and run it.
#include "conv_table.h"
#include "cuda_context.h"
#include "halide_call.h"
#include "stencilforge/devices.h"
#include "stencilforge/conv.h"
#include "stencilforge/cpu.h"
#include "stencilforge/tuning.h"

#include "HalideBuffer.h"
#include "HalideRuntimeCuda.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>

namespace stencilforge {

namespace {

using Halide::Runtime::Buffer;

[[noreturn]] void fail(const std::string &what) { throw Error(what); }

std::string shape(std::initializer_list<int> extents) {
    std::string s;
    for (int e : extents) s += (s.empty() ? "" : "x") + std::to_string(e);
    return s;
}

bool overlaps(const void *a, std::size_t a_bytes, const void *b, std::size_t b_bytes) {
    auto *p = static_cast<const std::byte *>(a), *q = static_cast<const std::byte *>(b);
    return p < q + b_bytes && q < p + a_bytes;
}

std::size_t count(std::initializer_list<int> extents) {
    std::size_t n = 1;
    for (int e : extents) n *= static_cast<std::size_t>(e);
    return n;
}

// The variant serving (algorithm, schedule, boundary or stride), or nullptr.
const detail::ConvEntry *try_entry(const std::string &algorithm, const std::string &schedule,
                                   const std::string &boundary, int stride) {
    for (const auto &e : detail::conv_table()) {
        if (e.info.algorithm == algorithm && e.info.schedule == schedule && e.info.boundary == boundary &&
            e.info.stride == stride) {
            return &e;
        }
    }
    return nullptr;
}

// As try_entry(), with an Error naming what exists when there is none.
const detail::ConvEntry &find_entry(const std::string &algorithm, const std::string &schedule,
                                    const std::string &boundary, int stride) {
    std::string offered;
    for (const auto &e : detail::conv_table()) {
        if (e.info.algorithm != algorithm) continue;
        if (e.info.schedule == schedule && e.info.boundary == boundary && e.info.stride == stride) return e;
        offered += (offered.empty() ? "" : ", ") + e.info.name;
    }
    if (offered.empty()) fail("unknown convolution algorithm '" + algorithm + "' (`stencilforge list-conv` shows the catalog)");
    fail("no " + algorithm + " variant with schedule '" + schedule + "'" +
         (boundary.empty() ? ", stride " + std::to_string(stride) : ", boundary " + boundary) + "; the catalog has " +
         offered);
}

void check_result(int rc, const ConvVariantInfo &v) {
    if (rc != 0) {
        fail("kernel '" + v.name + "' failed" + (v.device == "host" ? "" : " on its " + v.device + " device") +
             detail::halide_failure(rc));
    }
}

// Runs one kernel call. A GPU variant needs its device (an Error, before any
// memory is touched, where it is missing); Halide copies an input to the
// device only when its host side is marked dirty (wrapped caller memory is
// not), and leaves the result on the device, so it is copied back here.
template <typename Call, typename... Inputs>
void call_variant(const ConvVariantInfo &v, Buffer<float> &dst, Call call, Inputs &...inputs) {
    if (v.device != "host") {
        if (!device_available(v.device)) {
            fail("kernel '" + v.name + "' needs a " + v.device + " device and this machine has none (" +
                 describe_devices() + ")");
        }
        (inputs.set_host_dirty(), ...);
        if (v.device == "cuda") {
            // As run() does: inputs copied up front and the context drained
            // around the kernel, whatever streams Halide's copies use.
            detail::use_shared_cuda_context();
            detail::prepare_halide_call();
            (check_result(inputs.copy_to_device(halide_cuda_device_interface()), v), ...);
            check_result(detail::cuda_context_synchronize(), v);
        }
    }
    detail::prepare_halide_call();
    check_result(call(), v);
    if (dst.device_dirty()) {
        if (v.device == "cuda") check_result(detail::cuda_context_synchronize(), v);
        check_result(dst.copy_to_host(), v);
    }
}

// --- filters ---------------------------------------------------------------

void validate_image(const char *what, const void *data, int w, int h, int c) {
    if (!data) fail(std::string(what) + " image has null data");
    if (w <= 0 || h <= 0 || c <= 0) {
        fail(std::string(what) + " image sizes must be positive, got " + shape({w, h, c}) + " (width x height x channels)");
    }
}

void validate_taps(const char *what, std::size_t taps) {
    if (taps % 2 == 0 || taps > 15) {
        fail(std::string(what) + " must have an odd length from 1 to 15, got " + std::to_string(taps));
    }
}

void validate_filter_call(const ConstImageView &in, const ImageView &out, int radius_x, int radius_y,
                          const FilterOptions &o, std::initializer_list<std::span<const float>> taps) {
    validate_image("input", in.data, in.width, in.height, in.channels);
    validate_image("output", out.data, out.width, out.height, out.channels);
    if (in.width != out.width || in.height != out.height || in.channels != out.channels) {
        fail("input " + shape({in.width, in.height, in.channels}) + " and output " +
             shape({out.width, out.height, out.channels}) + " differ in shape");
    }
    const std::size_t bytes = count({in.width, in.height, in.channels}) * sizeof(float);
    if (overlaps(in.data, bytes, out.data, bytes)) fail("input and output images overlap; filters cannot run in place");
    for (auto t : taps) {
        if (overlaps(t.data(), t.size_bytes(), out.data, bytes)) fail("the filter taps overlap the output image");
    }
    if (o.boundary == Boundary::mirror && (in.width <= radius_x || in.height <= radius_y)) {
        fail("the mirror boundary reflects once: it needs width > " + std::to_string(radius_x) + " and height > " +
             std::to_string(radius_y) + " (the filter's radius), got " + shape({in.width, in.height}));
    }
}

std::string boundary_name(Boundary b) {
    switch (b) {
    case Boundary::zero:
    case Boundary::constant: return "constant";
    case Boundary::clamp: return "clamp";
    case Boundary::mirror: return "mirror";
    }
    return "?";
}

float outside_value(const FilterOptions &o) { return o.boundary == Boundary::constant ? o.constant : 0.0f; }

Buffer<const float> image_buffer(const ConstImageView &v) { return Buffer<const float>(v.data, v.width, v.height, v.channels); }
Buffer<float> image_buffer(const ImageView &v) { return Buffer<float>(v.data, v.width, v.height, v.channels); }

// A K x K filter as column (x) row, when it is one: pivot on its largest
// entry, then every entry must match the product to 1e-6 of that entry.
bool split_rank1(std::span<const float> kernel, int k, std::vector<float> &row, std::vector<float> &col) {
    std::size_t pivot = 0;
    for (std::size_t i = 1; i < kernel.size(); ++i) {
        if (std::fabs(kernel[i]) > std::fabs(kernel[pivot])) pivot = i;
    }
    const double peak = kernel[pivot];
    if (peak == 0.0) return false;  // all zeros: the 2D path is as cheap to reason about
    const int px = static_cast<int>(pivot) % k, py = static_cast<int>(pivot) / k;
    row.assign(k, 0.0f);
    col.assign(k, 0.0f);
    for (int i = 0; i < k; ++i) {
        row[i] = static_cast<float>(kernel[py * k + i] / peak);
        col[i] = kernel[i * k + px];
    }
    for (int y = 0; y < k; ++y) {
        for (int x = 0; x < k; ++x) {
            if (std::fabs(kernel[y * k + x] - double(col[y]) * row[x]) > 1e-6 * std::fabs(peak)) return false;
        }
    }
    return true;
}

std::string run_sepfilter(ConstImageView in, std::span<const float> row, std::span<const float> col, ImageView out,
                          const FilterOptions &o) {
    const auto &e = find_entry("sepfilter", o.schedule, boundary_name(o.boundary), 1);
    auto src = image_buffer(in);
    auto dst = image_buffer(out);
    Buffer<const float> r(row.data(), static_cast<int>(row.size())), c(col.data(), static_cast<int>(col.size()));
    call_variant(
        e.info, dst,
        [&] { return e.sepfilter(src.raw_buffer(), r.raw_buffer(), c.raw_buffer(), outside_value(o), dst.raw_buffer()); },
        src, r, c);
    return e.info.name;
}

}  // namespace

// --- layers ----------------------------------------------------------------

// Everything about a layer but its input and output tensors: the variant, the
// parameters, and the weights and bias as the variant consumes them (views of
// the caller's memory, or copies a PreparedConv2d owns; Winograd's always
// transformed filters).
struct LayerPlan {
    const detail::ConvEntry *entry = nullptr;
    LayerParams layer;
    int c_in = 0, c_out = 0;
    std::vector<float> owned_weights, owned_bias;
    std::span<const float> weights, bias;  // what the kernel reads
    std::span<const float> given_weights;  // what the caller gave (for the overlap check)
    std::vector<int> weight_dims;
    // run_on_device(): the weights and bias on the device, copied by the
    // first device run that succeeds (a failed copy is retried next call).
    struct DeviceOperands {
        std::mutex mutex;
        bool ready = false;
        Buffer<const float> weights, bias;
    };
    std::unique_ptr<DeviceOperands> device = std::make_unique<DeviceOperands>();
};

namespace {

// The catalog's block for the ISA the kernel dispatches to: its register
// tile's output channels. The kernel is right for any block and fast for
// this one: its tile then reads one contiguous stream of weights.
int weight_block(const detail::ConvEntry &e) {
    return active_cpu_isa() == CpuIsa::avx512 ? e.weight_block.avx512 : e.weight_block.avx2;
}

// HWIO weights(co, ci, kx, ky) (co fastest) as blocked(b, ci, kx, ky, co / B),
// b = co % B fastest, zero past C_out.
std::vector<float> block_weights(std::span<const float> hwio, int c_in, int c_out, int k, int block) {
    const int blocks = (c_out + block - 1) / block;
    std::vector<float> out(count({block, c_in, k, k, blocks}), 0.0f);
    const std::size_t taps = count({c_in, k, k});  // (ci, kx, ky), ci fastest: the same order in both
    for (std::size_t tap = 0; tap < taps; ++tap) {
        const float *row = hwio.data() + tap * c_out;
        for (int co = 0; co < c_out; ++co) {
            out[(static_cast<std::size_t>(co / block) * taps + tap) * block + co % block] = row[co];
        }
    }
    return out;
}

LayerPlan make_plan(const detail::ConvEntry &e, int c_in, int c_out, std::span<const float> weights,
                    std::span<const float> bias, const LayerParams &l, bool own) {
    const ConvVariantInfo &v = e.info;
    const std::string k = "kernel '" + v.name + "': ";
    if (c_in <= 0 || c_out <= 0) fail(k + "channel counts must be positive, got C_in " + std::to_string(c_in) + ", C_out " + std::to_string(c_out));
    if (std::find(v.kernel_sizes.begin(), v.kernel_sizes.end(), l.kernel) == v.kernel_sizes.end()) {
        std::string sizes;
        for (int s : v.kernel_sizes) sizes += (sizes.empty() ? "" : ", ") + std::to_string(s);
        fail(k + "filter size " + std::to_string(l.kernel) + " not supported (K in {" + sizes + "})");
    }
    if (l.pad < 0) fail(k + "padding must be >= 0, got " + std::to_string(l.pad));
    const bool depthwise = v.family == "depthwise";
    const std::size_t want = depthwise ? count({l.kernel, l.kernel, c_in}) : count({l.kernel, l.kernel, c_in, c_out});
    if (!weights.data() || weights.size() != want) {
        fail(k + "weights must hold " + std::to_string(want) + " values (" + (depthwise ? "3*3*C" : "HWIO: K*K*C_in*C_out") +
             "), got " + std::to_string(weights.size()) + "; check C_in and C_out");
    }
    if (!bias.empty() && bias.size() != static_cast<std::size_t>(c_out)) {
        fail(k + "bias must be empty or hold C_out = " + std::to_string(c_out) + " values, got " + std::to_string(bias.size()));
    }
    LayerPlan p;
    p.entry = &e;
    p.layer = l;
    p.c_in = c_in;
    p.c_out = c_out;
    p.given_weights = weights;
    p.weights = weights;
    p.bias = bias;
    p.weight_dims = depthwise ? std::vector<int>{c_in, 3, 3} : std::vector<int>{c_out, c_in, l.kernel, l.kernel};
    // The kernel's own form of the weights, owned by the plan: what it
    // reads, and (a PreparedConv2d's copy) what the overlap check guards.
    const auto take = [&](std::vector<float> w, std::vector<int> dims) {
        p.owned_weights = std::move(w);
        p.weights = p.owned_weights;
        p.weight_dims = std::move(dims);
        if (own) p.given_weights = p.weights;
    };
    // A transformed form is a copy already: the caller's weights are copied
    // only when the kernel reads them as they are.
    const bool transformed = e.winograd_filter || e.blocked_weights();
    if (own && !transformed) take({weights.begin(), weights.end()}, p.weight_dims);
    if (own || bias.empty()) {
        p.owned_bias.assign(c_out, 0.0f);
        std::copy(bias.begin(), bias.end(), p.owned_bias.begin());
        p.bias = p.owned_bias;
    }
    if (e.winograd_filter) {
        // U(co, ci, i, j) with C_out rounded up to whole register tiles (64
        // channels covers AVX-512 and AVX2): the layer reads zero filters there.
        const int tile = v.algorithm == "conv_winograd_f2x2" ? 4 : 6;
        const int c_pad = (c_out + 63) / 64 * 64;
        std::vector<float> u(count({c_pad, c_in, tile, tile}));
        Buffer<const float> w(p.weights.data(), p.weight_dims);
        Buffer<float> ub(u.data(), c_pad, c_in, tile, tile);
        detail::prepare_halide_call();
        check_result(e.winograd_filter(w.raw_buffer(), ub.raw_buffer()), v);
        take(std::move(u), {c_pad, c_in, tile, tile});
    }
    if (e.blocked_weights()) {
        const int block = weight_block(e);
        take(block_weights(p.weights, c_in, c_out, l.kernel, block),
             {block, c_in, l.kernel, l.kernel, (c_out + block - 1) / block});
    }
    return p;
}

void validate_tensor(const char *what, const void *data, int n, int h, int w, int c) {
    if (!data) fail(std::string(what) + " tensor has null data");
    if (n <= 0 || h <= 0 || w <= 0 || c <= 0) {
        fail(std::string(what) + " tensor sizes must be positive, got " + shape({n, h, w, c}) + " (NHWC)");
    }
}

// The tensors' checks shared by host and device runs; `weights_apart`: the
// weights and bias live elsewhere (device runs read the plan's own copies).
void check_layer_tensors(const LayerPlan &p, const ConstTensorView &in, const TensorView &out, bool weights_apart) {
    const ConvVariantInfo &v = p.entry->info;
    const LayerParams &l = p.layer;
    const std::string k = "kernel '" + v.name + "': ";
    validate_tensor("input", in.data, in.batch, in.height, in.width, in.channels);
    validate_tensor("output", out.data, out.batch, out.height, out.width, out.channels);
    if (in.channels != p.c_in) {
        fail(k + "input has " + std::to_string(in.channels) + " channels, the weights are for C_in = " + std::to_string(p.c_in));
    }
    if (out.channels != p.c_out) {
        fail(k + "output has " + std::to_string(out.channels) + " channels, the weights are for C_out = " + std::to_string(p.c_out));
    }
    if (in.height + 2 * l.pad < l.kernel || in.width + 2 * l.pad < l.kernel) {
        fail(k + "the " + shape({l.kernel, l.kernel}) + " filter is larger than the padded input (" +
             shape({in.height, in.width}) + " with padding " + std::to_string(l.pad) + ")");
    }
    const int oh = conv_output_extent(in.height, l.kernel, l.stride, l.pad);
    const int ow = conv_output_extent(in.width, l.kernel, l.stride, l.pad);
    if (out.batch != in.batch || out.height != oh || out.width != ow) {
        fail(k + "output must be " + shape({in.batch, oh, ow, out.channels}) + " (NHWC) for this input and layer, got " +
             shape({out.batch, out.height, out.width, out.channels}));
    }
    const std::size_t out_bytes = count({out.batch, out.height, out.width, out.channels}) * sizeof(float);
    if (overlaps(in.data, count({in.batch, in.height, in.width, in.channels}) * sizeof(float), out.data, out_bytes) ||
        (!weights_apart && (overlaps(p.given_weights.data(), p.given_weights.size_bytes(), out.data, out_bytes) ||
                            overlaps(p.bias.data(), p.bias.size_bytes(), out.data, out_bytes)))) {
        fail(k + "the output overlaps an input; layers cannot run in place");
    }
}

// A 1x1, stride-1, unpadded layer is a GEMM over the pixels, and the NHWC
// memory of an H x W image is that of one row of H * W pixels. The CPU
// kernels run images of fewer than 8 rows (res5's 7 x 7) as that row, so one
// register tile of pixels fits every width: the 2-D tiles compute 8 rows
// for 7 (AVX2 also 9 columns for 7, or 8 along a 4-pixel row tile), while
// AVX2's 2 x 6 tile computes 54 pixels for 49. Measured on res5 1x1 with
// AVX2 (Zen 5, best of 3 alternating runs): 1.24-1.62x. On res4's 14 x 14,
// which the 2-D tile nearly fits, it measured 0.95-1.11x: those keep their rows.
bool runs_as_one_row(const ConvVariantInfo &v, const LayerParams &l, const TensorView &out) {
    return v.device == "host" && l.kernel == 1 && l.stride == 1 && l.pad == 0 && out.height < 8 &&
           std::int64_t{out.width} * out.height <= std::numeric_limits<int>::max();
}

std::string run_plan(const LayerPlan &p, const ConstTensorView &in, const TensorView &out) {
    check_layer_tensors(p, in, out, false);
    const ConvVariantInfo &v = p.entry->info;
    const LayerParams &l = p.layer;
    const bool row = runs_as_one_row(v, l, out);  // in and out: one shape (checked above)
    const int width = row ? in.width * in.height : in.width, height = row ? 1 : in.height;
    Buffer<const float> src(in.data, in.channels, width, height, in.batch);
    Buffer<const float> w(p.weights.data(), p.weight_dims);
    Buffer<const float> b(p.bias.data(), p.c_out);
    Buffer<float> dst(out.data, out.channels, row ? width : out.width, row ? height : out.height, out.batch);
    call_variant(
        v, dst, [&] { return p.entry->layer(src.raw_buffer(), w.raw_buffer(), b.raw_buffer(), l.pad, l.relu, dst.raw_buffer()); },
        src, w, b);
    return v.name;
}

// docs/conv.md, "Which algorithm runs": "auto" takes the fastest algorithm
// this machine's tuning record measured for the layer class (tuning.h), else
// the rule below, from the benchmark (2026-12-01, Zen 5, one run per ISA):
// direct led on 12 of the 14 ResNet-50 layers at batch 1 and 8 with AVX-512,
// and was within 3% of the im2col GEMM where that led; the GEMM led on the
// stride-2 1x1 projection by 1.17-1.45x (direct reads every other pixel of
// the staged rows). The rule must not depend on the image size (a
// PreparedConv2d has none), and Winograd F(4x4), 1.04-1.27x direct on the
// 56- and 28-wide 3x3 layers with AVX2 but 0.25-0.65x on the 7- and 14-wide
// ones, has a looser contract (5e-5): it is asked for by name.
std::string auto_algorithm(const LayerParams &layer, int c_in, int c_out, int height, int width) {
    if (std::string tuned = tuned_conv_algorithm(layer.kernel, layer.stride, c_in, c_out, height, width); !tuned.empty()) {
        return tuned;
    }
    return layer.kernel == 1 && layer.stride > 1 ? "conv_im2col_gemm" : "conv_direct";
}

}  // namespace

std::string filter2d(ConstImageView in, std::span<const float> kernel, ImageView out, const FilterOptions &o) {
    const auto taps = kernel.size();
    const int k = static_cast<int>(std::lround(std::sqrt(static_cast<double>(taps))));
    if (!kernel.data() || static_cast<std::size_t>(k) * k != taps) {
        fail("filter2d: the kernel must hold K x K values, got " + std::to_string(taps));
    }
    validate_taps("filter2d: the kernel's side K", static_cast<std::size_t>(k));
    validate_filter_call(in, out, k / 2, k / 2, o, {kernel});
    // Only where the schedule has a separable variant for this boundary (the
    // GPU schedules have none): routing must never turn a call that would run
    // into a refusal.
    if (o.route_separable && try_entry("sepfilter", o.schedule, boundary_name(o.boundary), 1)) {
        std::vector<float> row, col;
        if (k > 1 && split_rank1(kernel, k, row, col)) return run_sepfilter(in, row, col, out, o);
    }
    const auto &e = find_entry("filter2d", o.schedule, boundary_name(o.boundary), 1);
    auto src = image_buffer(in);
    auto dst = image_buffer(out);
    Buffer<const float> taps2d(kernel.data(), k, k);
    call_variant(
        e.info, dst, [&] { return e.filter2d(src.raw_buffer(), taps2d.raw_buffer(), outside_value(o), dst.raw_buffer()); },
        src, taps2d);
    return e.info.name;
}

std::string sep_filter2d(ConstImageView in, std::span<const float> row, std::span<const float> col, ImageView out,
                         const FilterOptions &o) {
    if (!row.data() || !col.data()) fail("sep_filter2d: null row or column filter");
    validate_taps("sep_filter2d: the row filter", row.size());
    validate_taps("sep_filter2d: the column filter", col.size());
    validate_filter_call(in, out, static_cast<int>(row.size()) / 2, static_cast<int>(col.size()) / 2, o, {row, col});
    return run_sepfilter(in, row, col, out, o);
}

int conv_output_extent(int in, int kernel, int stride, int pad) {
    if (stride <= 0) fail("stride must be >= 1, got " + std::to_string(stride));
    return (in + 2 * pad - kernel) / stride + 1;
}

namespace {

// `height` 0: not known (a PreparedConv2d), the pick goes by channels only.
const detail::ConvEntry &layer_entry(const LayerParams &layer, int c_in, int c_out, int height, int width,
                                     const LayerOptions &options) {
    if (layer.stride <= 0) fail("conv2d: stride must be >= 1, got " + std::to_string(layer.stride));
    const std::string algorithm =
        options.algorithm == "auto" ? auto_algorithm(layer, c_in, c_out, height, width) : options.algorithm;
    if (algorithm == "depthwise3x3") fail("conv2d: depthwise layers run through depthwise_conv3x3()");
    return find_entry(algorithm, options.schedule, "", layer.stride);
}

}  // namespace

std::string conv2d(ConstTensorView in, std::span<const float> weights, std::span<const float> bias,
                   const LayerParams &layer, TensorView out, const LayerOptions &options) {
    const auto &e = layer_entry(layer, in.channels, out.channels, in.height, in.width, options);
    return run_plan(make_plan(e, in.channels, out.channels, weights, bias, layer, false), in, out);
}

std::string depthwise_conv3x3(ConstTensorView in, std::span<const float> weights, std::span<const float> bias,
                              const LayerParams &layer, TensorView out, const std::string &schedule) {
    if (layer.stride <= 0) fail("depthwise_conv3x3: stride must be >= 1, got " + std::to_string(layer.stride));
    if (out.channels != in.channels) {
        fail("depthwise_conv3x3: output channels (" + std::to_string(out.channels) + ") must equal input channels (" +
             std::to_string(in.channels) + ")");
    }
    const auto &e = find_entry("depthwise3x3", schedule, "", layer.stride);
    return run_plan(make_plan(e, in.channels, out.channels, weights, bias, layer, false), in, out);
}

PreparedConv2d::PreparedConv2d(int c_in, int c_out, std::span<const float> weights, std::span<const float> bias,
                               const LayerParams &layer, const LayerOptions &options)
    : plan_(std::make_unique<LayerPlan>(
          make_plan(layer_entry(layer, c_in, c_out, 0, 0, options), c_in, c_out, weights, bias, layer, true))) {}
PreparedConv2d::~PreparedConv2d() = default;
PreparedConv2d::PreparedConv2d(PreparedConv2d &&) noexcept = default;
PreparedConv2d &PreparedConv2d::operator=(PreparedConv2d &&) noexcept = default;

std::string PreparedConv2d::run(ConstTensorView in, TensorView out) const { return run_plan(*plan_, in, out); }

std::string PreparedConv2d::run_on_device(ConstTensorView in, TensorView out) const {
    const LayerPlan &p = *plan_;
    const ConvVariantInfo &v = p.entry->info;
    detail::require_cuda_variant(v.name, v.device, "tensors");
    check_layer_tensors(p, in, out, true);
    detail::require_device_memory(v.name, {in.data, count({in.batch, in.height, in.width, in.channels}) * sizeof(float)},
                                  {out.data, count({out.batch, out.height, out.width, out.channels}) * sizeof(float)});
    detail::use_shared_cuda_context();
    detail::prepare_halide_call();
    const halide_device_interface_t *cuda = halide_cuda_device_interface();
    // The weights and bias go to the device once, on the first device run,
    // and stay with the PreparedConv2d.
    auto &d = *p.device;
    {
        std::lock_guard lock(d.mutex);
        if (!d.ready) {
            d.weights = Buffer<const float>(p.weights.data(), p.weight_dims);
            d.bias = Buffer<const float>(p.bias.data(), p.c_out);
            int rc = 0;
            for (auto *b : {&d.weights, &d.bias}) {
                b->set_host_dirty();
                if ((rc = b->copy_to_device(cuda)) != 0) break;
            }
            if (rc == 0) rc = detail::cuda_context_synchronize();
            if (rc != 0) {
                d.weights = {};  // frees what was copied; the next call starts over
                d.bias = {};
                check_result(rc, v);
            }
            d.ready = true;
        }
    }
    Buffer<const float> src(nullptr, in.channels, in.width, in.height, in.batch);
    Buffer<float> dst(nullptr, out.channels, out.width, out.height, out.batch);
    check_result(src.device_wrap_native(cuda, reinterpret_cast<std::uint64_t>(in.data)), v);
    check_result(dst.device_wrap_native(cuda, reinterpret_cast<std::uint64_t>(out.data)), v);
    const int rc = p.entry->layer(src.raw_buffer(), d.weights.raw_buffer(), d.bias.raw_buffer(),
                                  p.layer.pad, p.layer.relu, dst.raw_buffer());
    const int synced = rc == 0 ? detail::cuda_synchronize() : 0;
    src.device_detach_native();
    dst.device_detach_native();
    check_result(rc, v);
    check_result(synced, v);
    return v.name;
}
const std::string &PreparedConv2d::variant() const { return plan_->entry->info.name; }

const std::vector<ConvVariantInfo> &conv_catalog() {
    static const std::vector<ConvVariantInfo> infos = [] {
        std::vector<ConvVariantInfo> v;
        for (const auto &e : detail::conv_table()) v.push_back(e.info);
        return v;
    }();
    return infos;
}

}  // namespace stencilforge
