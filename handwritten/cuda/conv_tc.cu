// The tensor-core convolution layers' entry points: Halide buffers in and
// out (device_buffers.cuh), the layer geometry from the buffers' shapes, a
// tile picked per layer, the kernel of tensorcore/conv_tc.cuh launched on
// the scope's stream. Instantiated for the catalog's variants
// (conv_tc_instances.inc is generated from catalog.json).
#include <cstdlib>
#include <cstring>
#include <string>
#include "conv_cuda.h"
#include "device_buffers.cuh"
#include "tensorcore/conv_tc.cuh"

namespace stencilforge::handwritten {

namespace {

template <tensorcore::Precision P>
struct ElementOf;
template <>
struct ElementOf<tensorcore::Precision::tf32> {
    using type = float;
};
template <>
struct ElementOf<tensorcore::Precision::fp16> {
    using type = __half;
};
template <>
struct ElementOf<tensorcore::Precision::bf16> {
    using type = __nv_bfloat16;
};

struct LayerArgs {
    const float *in, *weights, *bias;
    float *out;
    tensorcore::ConvGeometry g;
    bool relu;
    cudaStream_t stream;
};

template <typename E, class Tile>
cudaError_t launch(const LayerArgs &a) {
    const dim3 grid(static_cast<unsigned>((a.g.gemm_m() + Tile::bm - 1) / Tile::bm),
                    static_cast<unsigned>((a.g.c_out + Tile::bn - 1) / Tile::bn));
    cuda::tc::conv_implicit_gemm<E, Tile><<<grid, Tile::threads, 0, a.stream>>>(a.in, a.weights, a.bias, a.out, a.g,
                                                                                 a.relu);
    return cudaGetLastError();
}

// STENCILFORGE_CONV_TC_TILE=large|medium|small forces one tile shape: the
// tests run every shape on every layer (the rule below picks the small tile
// for every test-sized layer on a 132-SM GPU), and a tuner can compare them.
inline const char *forced_tile() {
    const char *t = std::getenv("STENCILFORGE_CONV_TC_TILE");
    return t && *t ? t : nullptr;
}

// The largest tile whose grid still gives every SM two blocks: big tiles
// reuse each loaded value more, small ones keep a GPU busy on small layers
// (batch 1, 7x7 images). A starting rule, not yet tuned on a GPU.
template <typename E>
cudaError_t launch_for_layer(const LayerArgs &a) {
    using namespace cuda::tc;
    if (const char *t = forced_tile()) {
        if (std::strcmp(t, "large") == 0) return launch<E, LargeTile>(a);
        if (std::strcmp(t, "medium") == 0) return launch<E, MediumTile>(a);
        return launch<E, SmallTile>(a);  // conv_tc() has refused any other name
    }
    int sms = 0, device = 0;
    cudaGetDevice(&device);
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess || sms <= 0) sms = 1;
    const auto blocks = [&](int bm, int bn) { return (a.g.gemm_m() + bm - 1) / bm * ((a.g.c_out + bn - 1) / bn); };
    if (blocks(LargeTile::bm, LargeTile::bn) >= 2 * sms) return launch<E, LargeTile>(a);
    if (blocks(MediumTile::bm, MediumTile::bn) >= 2 * sms) return launch<E, MediumTile>(a);
    return launch<E, SmallTile>(a);
}

}  // namespace

template <tensorcore::Precision P, int Stride>
int conv_tc(halide_buffer_t *in, halide_buffer_t *weights, halide_buffer_t *bias, std::int32_t pad, bool relu,
            halide_buffer_t *out) {
    using namespace cuda;
    if (const char *t = forced_tile(); t && std::strcmp(t, "large") && std::strcmp(t, "medium") && std::strcmp(t, "small")) {
        halide_error(nullptr, ("hand-written CUDA layer: STENCILFORGE_CONV_TC_TILE='" + std::string(t) +
                               "' is not large, medium or small").c_str());
        return halide_error_code_generic_error;
    }
    detail::CudaContextGuard guard;
    if (!guard.ok()) return no_context();
    int rc = 0;
    LayerArgs a{};
    if (!(a.in = on_device<const float>(in, false, rc))) return rc;
    if (!(a.weights = on_device<const float>(weights, false, rc))) return rc;
    if (!(a.bias = on_device<const float>(bias, false, rc))) return rc;
    if (!(a.out = on_device<float>(out, true, rc))) return rc;
    // Buffers as the Halide layers take them: in (c, x, y, n), weights (co, ci, kx, ky), out (co, x, y, n).
    a.g = tensorcore::ConvGeometry{in->dim[3].extent,  in->dim[2].extent, in->dim[1].extent, in->dim[0].extent,
                                   weights->dim[0].extent, weights->dim[2].extent, Stride, pad,
                                   out->dim[2].extent, out->dim[1].extent};
    a.relu = relu;
    a.stream = static_cast<cudaStream_t>(detail::cuda_stream());
    if (cudaError_t err = launch_for_layer<typename ElementOf<P>::type>(a); err != cudaSuccess) {
        return kernel_failed("launch", err);
    }
    out->set_device_dirty(true);
    return halide_error_code_success;
}

}  // namespace stencilforge::handwritten

#define SF_CONV_TC_INSTANCE(P, Stride)                                                                         \
    template int stencilforge::handwritten::conv_tc<stencilforge::tensorcore::Precision::P, Stride>(          \
        halide_buffer_t *, halide_buffer_t *, halide_buffer_t *, std::int32_t, bool, halide_buffer_t *);
#include "conv_tc_instances.inc"
