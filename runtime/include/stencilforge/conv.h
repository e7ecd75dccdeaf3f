// The convolution family's API: image filters (filter2d, sep_filter2d) and
// DNN layers (conv2d, depthwise_conv3x3). Every call validates its input
// completely before any kernel runs (an Error, nothing written) and returns
// the catalog variant that ran. Layouts and algorithm choice: docs/conv.md.
#pragma once

#include "stencilforge/boundary.h"
#include "stencilforge/error.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace stencilforge {

// A planar multi-channel f32 image: pixel (x, y) of channel c lives at
// data[x + width * (y + height * c)] (one dense plane per channel).
struct ImageView {
    float *data = nullptr;
    int width = 0, height = 0, channels = 0;
};
struct ConstImageView {
    const float *data = nullptr;
    int width = 0, height = 0, channels = 0;
    ConstImageView() = default;
    ConstImageView(const float *d, int w, int h, int c) : data(d), width(w), height(h), channels(c) {}
    ConstImageView(const ImageView &v) : data(v.data), width(v.width), height(v.height), channels(v.channels) {}
};


struct FilterOptions {
    Boundary boundary = Boundary::clamp;
    float constant = 0.0f;          // the outside value for Boundary::constant
    std::string schedule = "tiled";  // a conv schedule of the catalog: naive, tiled
    // filter2d only: a rank-1 K x K filter (outer product of a column and a
    // row, to 1e-6 of its largest entry) runs as the separable algorithm,
    // 2K instead of K^2 multiply-adds per pixel. The returned variant says
    // which ran; results then differ from the 2D sum by rounding only.
    bool route_separable = true;
};

// Filters compute the correlation out(x, y, c) = sum k(kx, ky) in(x + kx - K/2, y + ky - K/2, c)
// (no kernel flip, as OpenCV's filter2D). `kernel` is K x K, row-major
// (kernel[ky * K + kx]), K odd from 1 to 15. `out` has in's shape and must not overlap it.
std::string filter2d(ConstImageView in, std::span<const float> kernel, ImageView out, const FilterOptions &options = {});
// out = the column filter applied to (the row filter applied to in); each odd, 1 to 15 taps.
std::string sep_filter2d(ConstImageView in, std::span<const float> row, std::span<const float> col, ImageView out,
                         const FilterOptions &options = {});

// An NHWC f32 tensor: element (n, y, x, c) at data[c + channels * (x + width * (y + height * n))].
// NCHW is not accepted: every layer schedule vectorizes along channels, which
// needs them at unit stride (transpose first; docs/conv.md).
struct TensorView {
    float *data = nullptr;
    int batch = 0, height = 0, width = 0, channels = 0;
};
struct ConstTensorView {
    const float *data = nullptr;
    int batch = 0, height = 0, width = 0, channels = 0;
    ConstTensorView() = default;
    ConstTensorView(const float *d, int n, int h, int w, int c) : data(d), batch(n), height(h), width(w), channels(c) {}
    ConstTensorView(const TensorView &v)
        : data(v.data), batch(v.batch), height(v.height), width(v.width), channels(v.channels) {}
};

struct LayerParams {
    int kernel = 3;     // K: the filter is K x K
    int stride = 1;
    int pad = 1;        // zeros added on every side of x and y
    bool relu = false;  // clamp negatives to 0, fused in the same kernel
};

// The output extent of a layer along one axis: (in + 2 pad - K) / stride + 1.
int conv_output_extent(int in, int kernel, int stride, int pad);

struct LayerOptions {
    // "auto" or an algorithm of the catalog: conv_direct, conv_im2col_gemm,
    // conv_winograd_f2x2, conv_winograd_f4x4. "auto" picks by docs/conv.md's rule.
    std::string algorithm = "auto";
    std::string schedule = "tiled";
};

// out = relu?(bias + conv(in, weights)). `weights` is HWIO: weights[((ky * K + kx) * C_in + ci) * C_out + co]
// with C_out = out.channels; `bias` has C_out values or is empty (no bias).
std::string conv2d(ConstTensorView in, std::span<const float> weights, std::span<const float> bias,
                   const LayerParams &layer, TensorView out, const LayerOptions &options = {});

struct LayerPlan;

// A layer whose weights are prepared once for repeated calls, as an inference
// runtime keeps them: the weights and bias are copied at construction, and
// Winograd variants transform their filters there (conv2d() transforms them
// on every call). run() then validates only the tensors.
class PreparedConv2d {
public:
    PreparedConv2d(int c_in, int c_out, std::span<const float> weights, std::span<const float> bias,
                   const LayerParams &layer, const LayerOptions &options = {});
    ~PreparedConv2d();
    PreparedConv2d(PreparedConv2d &&) noexcept;
    PreparedConv2d &operator=(PreparedConv2d &&) noexcept;
    std::string run(ConstTensorView in, TensorView out) const;  // returns the variant, as conv2d()
    // CUDA variants on tensors in CUDA device memory (cudaMalloc): nothing is
    // copied per call; the weights and bias go to the device on the first
    // call and stay there. Runs in the CudaScope's context and stream and
    // returns once `out` holds the result. Refuses host or OpenCL variants
    // and host pointers (docs/gpu.md).
    std::string run_on_device(ConstTensorView in, TensorView out) const;
    const std::string &variant() const;

private:
    std::unique_ptr<LayerPlan> plan_;
};

// Depthwise 3x3: channel c convolved with its own filter, weights[(ky * 3 + kx) * C + c].
// layer.kernel must be 3; out.channels == in.channels.
std::string depthwise_conv3x3(ConstTensorView in, std::span<const float> weights, std::span<const float> bias,
                              const LayerParams &layer, TensorView out, const std::string &schedule = "tiled");

// The convolution variants built into the library (catalog.json "conv").
struct ConvVariantInfo {
    std::string name;       // e.g. filter2d_f32_tiled_clamp, conv_direct_f32_tiled_s2
    std::string algorithm;  // filter2d, sepfilter, conv_direct, conv_im2col_gemm, conv_winograd_f2x2, ...
    std::string family;     // filter, layer, depthwise
    std::string schedule;   // naive, tiled; GPU ones labelled by device API: cuda_gpu_tiled, opencl_gpu_smem
    std::string boundary;   // filters: constant (zero too), clamp, mirror; else empty
    int stride;             // layers; 1 for filters
    std::vector<int> kernel_sizes;  // layers: the K it accepts; empty for filters (odd 1..15)
    double tolerance;       // its accuracy contract: max |error| / max |f64 reference| (docs/conv.md)
    std::string device;     // host, opencl or cuda (GPU schedules are built once per device API)
    std::string description;
    std::string engine;     // halide, or handwritten (CUDA kernels in handwritten/cuda)
};
const std::vector<ConvVariantInfo> &conv_catalog();

}  // namespace stencilforge
