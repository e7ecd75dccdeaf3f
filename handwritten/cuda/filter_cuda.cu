// The hand-written CUDA image filter's entry points (filter_kernels.cuh): a
// Halide filter2d pipeline's signature, so the conv API runs them like the
// Halide variants. Instantiated per catalog variant (filter_cuda_instances.inc
// is generated from catalog.json).
#include "conv_cuda.h"
#include "device_buffers.cuh"
#include "filter_kernels.cuh"

namespace stencilforge::handwritten {

template <FilterSchedule S, Boundary B>
int cuda_filter2d(halide_buffer_t *in, halide_buffer_t *taps, float value, halide_buffer_t *out) {
    using namespace cuda;
    detail::CudaContextGuard guard;
    if (!guard.ok()) return no_context();
    int rc = 0;
    FilterArgs a{};
    if (!(a.in = on_device<const float>(in, false, rc))) return rc;
    if (!(a.taps = on_device<const float>(taps, false, rc))) return rc;
    if (!(a.out = on_device<float>(out, true, rc))) return rc;
    a.w = in->dim[0].extent;
    a.h = in->dim[1].extent;
    a.k = taps->dim[0].extent;
    a.value = value;
    const int planes = in->dimensions > 2 ? in->dim[2].extent : 1;
    const dim3 grid((a.w + kFilterBlockX - 1) / kFilterBlockX, (a.h + kFilterBlockY - 1) / kFilterBlockY, planes);
    const dim3 block(kFilterBlockX, kFilterBlockY);
    const auto stream = static_cast<cudaStream_t>(detail::cuda_stream());
    if constexpr (S == FilterSchedule::naive) {
        filter2d_naive<B><<<grid, block, 0, stream>>>(a);
    } else {
        const std::size_t bytes = sizeof(float) * (kFilterBlockX + a.k - 1) * (kFilterBlockY + a.k - 1);
        filter2d_smem<B><<<grid, block, bytes, stream>>>(a);
    }
    if (cudaError_t err = cudaGetLastError(); err != cudaSuccess) return kernel_failed("launch", err);
    out->set_device_dirty(true);
    return halide_error_code_success;
}

}  // namespace stencilforge::handwritten

#define SF_FILTER_INSTANCE(S, B)                                                                                  \
    template int stencilforge::handwritten::cuda_filter2d<stencilforge::handwritten::FilterSchedule::S,          \
                                                          stencilforge::Boundary::B>(halide_buffer_t *,           \
                                                                                     halide_buffer_t *, float,    \
                                                                                     halide_buffer_t *);
#include "filter_cuda_instances.inc"
