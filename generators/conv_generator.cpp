// Halide generators for the convolution family. GeneratorParams pick the
// algorithm, the boundary mode (filters) or stride (layers), and the named
// schedule from schedules/; the catalog (catalog.json "conv") says which
// combinations are built. Buffers are dense with the innermost dimension at
// unit stride and every minimum at 0 (the runtime wraps them so), which lets
// Winograd's x % m fold to a constant once its schedule unrolls the tile.
#include "Halide.h"
#include "conv_algorithm.h"
#include "conv_schedule.h"

namespace stencilforge {

using namespace Halide;

namespace {

template <typename B>
void dense_at_zero(B &buffer) {
    buffer.dim(0).set_stride(1);
    for (int d = 0; d < buffer.dimensions(); ++d) buffer.dim(d).set_min(0);
}

// Fully dense: every stride the product of the extents inside it, so the
// compiler folds index arithmetic across dimensions (a layer's weights).
template <typename B>
void dense_packed(B &buffer) {
    dense_at_zero(buffer);
    for (int d = 1; d < buffer.dimensions(); ++d) {
        buffer.dim(d).set_stride(buffer.dim(d - 1).stride() * buffer.dim(d - 1).extent());
    }
}

void apply_schedule(const std::string &algorithm, const std::string &schedule, ConvStages &stages, int stride,
                    const Target &target, int tile_vectors = 0, int tile_pixels = 0, int tile_rows = 0,
                    int rows_per_task = 0, Expr weight_block = Expr(), int tile_channels = 0) {
    auto &registry = schedules::conv_registry();
    auto found = registry.find(algorithm + "." + schedule);
    if (found == registry.end()) found = registry.find("any." + schedule);
    if (found == registry.end()) {
        throw CompileError("no schedule '" + schedule + "' for " + algorithm + " (no file in schedules/ registers it)");
    }
    schedules::ConvContext ctx{stages,    algorithm, stride,        target,      tile_vectors,
                               tile_pixels, tile_rows, rows_per_task, weight_block, tile_channels};
    found->second(ctx);
}

}  // namespace

class ConvFilterGenerator : public Generator<ConvFilterGenerator> {
public:
    GeneratorParam<std::string> algorithm{"algorithm", "filter2d"};  // filter2d or sepfilter
    GeneratorParam<Boundary> boundary{"boundary", Boundary::clamp,
                                      {{"constant", Boundary::constant}, {"clamp", Boundary::clamp}, {"mirror", Boundary::mirror}}};
    GeneratorParam<std::string> schedule{"schedule", "tiled"};

    Input<Buffer<float, 3>> *in = nullptr;  // in(x, y, c): planar
    Input<Buffer<float, 2>> *kernel = nullptr;          // filter2d: kernel(kx, ky)
    Input<Buffer<float, 1>> *row = nullptr, *col = nullptr;  // sepfilter
    Input<float> *value = nullptr;          // the constant mode's outside value
    Output<Buffer<float, 3>> *out = nullptr;

    void configure() {
        in = add_input<Buffer<float, 3>>("in");
        if (algorithm.value() == "sepfilter") {
            row = add_input<Buffer<float, 1>>("row");
            col = add_input<Buffer<float, 1>>("col");
        } else if (algorithm.value() == "filter2d") {
            kernel = add_input<Buffer<float, 2>>("kernel");
        } else {
            throw CompileError("conv_filter: unknown algorithm '" + algorithm.value() + "'");
        }
        value = add_input<float>("value");
        out = add_output<Buffer<float, 3>>("out");
    }

    void generate() {
        Expr width = (*in).dim(0).extent(), height = (*in).dim(1).extent();
        ConvStages stages =
            algorithm.value() == "sepfilter"
                ? sepfilter(*in, width, height, boundary, *value, *row, (*row).dim(0).extent(), *col, (*col).dim(0).extent())
                : filter2d(*in, width, height, boundary, *value, *kernel, (*kernel).dim(0).extent());
        (*out)(stages.vars) = stages.output(stages.vars);
        stages.output = *out;
        dense_at_zero(*in);
        dense_at_zero(*out);
        apply_schedule(algorithm, schedule, stages, 1, get_target());
    }
};

class ConvLayerGenerator : public Generator<ConvLayerGenerator> {
public:
    GeneratorParam<std::string> algorithm{"algorithm", "conv_direct"};
    GeneratorParam<int> stride{"stride", 1, 1, 4};
    GeneratorParam<std::string> schedule{"schedule", "tiled"};
    // The register tile: output-channel vectors x pixels x rows (0: the target's default).
    GeneratorParam<int> tile_vectors{"tile_vectors", 0};
    GeneratorParam<int> tile_pixels{"tile_pixels", 0};
    GeneratorParam<int> tile_rows{"tile_rows", 0};
    GeneratorParam<int> rows_per_task{"rows_per_task", 0};
    // The weights blocked by output channels, weights(b, ci, kx, ky, co / B)
    // with b = co % B and B = extent 0 (the runtime packs them; zero past
    // C_out), instead of HWIO: a register tile's weights are one stream.
    // The catalog's B per ISA (0: HWIO weights), which is also the register
    // tile's output channels; the kernel is correct for any B.
    GeneratorParam<int> weight_block_avx512{"weight_block_avx512", 0, 0, 64};
    GeneratorParam<int> weight_block_avx2{"weight_block_avx2", 0, 0, 32};

    bool blocked_weights() const { return weight_block_avx512 > 0 || weight_block_avx2 > 0; }

    Input<Buffer<float, 4>> *in = nullptr;   // in(c, x, y, n): NHWC
    Input<Buffer<>> *weights = nullptr;  // (co, ci, kx, ky) HWIO; depthwise: (c, kx, ky)
    Input<Buffer<float, 1>> *bias = nullptr;
    Input<int32_t> *pad = nullptr;
    Input<bool> *relu = nullptr;
    Output<Buffer<float, 4>> *out = nullptr;  // out(co, x, y, n)

    void configure() {
        in = add_input<Buffer<float, 4>>("in");
        // HWIO (co, ci, kx, ky); depthwise (c, kx, ky); Winograd: the
        // transformed filters U(co, ci, i, j) of winograd_filter, C_out padded.
        weights = add_input<Buffer<>>("weights", Float(32),
                                      algorithm.value() == "depthwise3x3" ? 3 : blocked_weights() ? 5 : 4);
        bias = add_input<Buffer<float, 1>>("bias");
        pad = add_input<int32_t>("pad");
        relu = add_input<bool>("relu");
        out = add_output<Buffer<float, 4>>("out");
    }

    void generate() {
        LayerOperands op;
        op.in = *in;
        op.channels_in = (*in).dim(0).extent();
        op.width = (*in).dim(1).extent();
        op.height = (*in).dim(2).extent();
        Expr block;
        if (blocked_weights()) {
            block = (*weights).dim(0).extent();
            Var co("co"), ci("ci"), kx("kx"), ky("ky");
            Func hwio("weights_hwio");  // the HWIO view the algorithm reads
            hwio(co, ci, kx, ky) = (*weights)(co % block, ci, kx, ky, co / block);
            op.weights = hwio;
        } else {
            op.weights = *weights;
        }
        op.bias = *bias;
        op.channels_out = (*out).dim(0).extent();
        op.k = (*weights).dim(algorithm.value() == "depthwise3x3" ? 1 : 2).extent();  // Winograd: unused (3)
        op.stride = stride;
        op.pad = *pad;
        op.relu = *relu;
        const std::string a = algorithm;
        if (a == "conv_direct" || a == "conv_im2col_gemm") op.narrow_width = schedules::narrow_image_width(schedule, get_target());
        ConvStages stages = a == "conv_direct"          ? conv_direct(op)
                            : a == "conv_im2col_gemm"   ? conv_im2col_gemm(op)
                            : a == "conv_winograd_f2x2" ? conv_winograd(op, 2)
                            : a == "conv_winograd_f4x4" ? conv_winograd(op, 4)
                            : a == "depthwise3x3"       ? depthwise3x3(op)
                                                        : throw CompileError("conv_layer: unknown algorithm '" + a + "'");
        (*out)(stages.vars) = stages.output(stages.vars);
        stages.output = *out;
        dense_at_zero(*in);
        dense_packed(*weights);
        dense_at_zero(*bias);
        dense_at_zero(*out);
        // The ISA as register_tile tells it: 16 f32 lanes is AVX-512.
        const bool avx512 = get_target().natural_vector_size(Float(32)) >= 16;
        const int tile_channels = avx512 ? weight_block_avx512 : weight_block_avx2;
        apply_schedule(a, schedule, stages, stride, get_target(), tile_vectors, tile_pixels, tile_rows, rows_per_task,
                       block, blocked_weights() ? tile_channels : 0);
    }
};

// Winograd's filter transform U = G g G^T, zero-padded to `c_out_padded`
// output channels (the runtime rounds C_out up to whole register tiles).
class WinogradFilterGenerator : public Generator<WinogradFilterGenerator> {
public:
    GeneratorParam<int> m{"m", 4, 2, 4};
    GeneratorParam<std::string> schedule{"schedule", "tiled"};
    Input<Buffer<float, 4>> weights{"weights"};  // HWIO (co, ci, kx, ky)
    Output<Buffer<float, 4>> U{"U"};             // (co, ci, i, j)

    void generate() {
        ConvStages stages = winograd_filter_transform(weights, weights.dim(0).extent(), m);
        U(stages.vars) = stages.output(stages.vars);
        stages.output = U;
        dense_at_zero(weights);
        dense_at_zero(U);
        U.dim(2).set_extent(m + 2);
        U.dim(3).set_extent(m + 2);
        apply_schedule("winograd_filter", schedule, stages, 1, get_target());
    }
};

}  // namespace stencilforge

HALIDE_REGISTER_GENERATOR(stencilforge::WinogradFilterGenerator, winograd_filter)
HALIDE_REGISTER_GENERATOR(stencilforge::ConvFilterGenerator, conv_filter)
HALIDE_REGISTER_GENERATOR(stencilforge::ConvLayerGenerator, conv_layer)
