// Warp level: the tensor-core operations the hand-written variants use,
// through WMMA (nvcuda::wmma), per element type of the shared-memory tiles:
//   double         DMMA  m8n8k4   (FP64 tensor cores, sm_80+), exact f64 products
//   float -> tf32  m16n16k8       (the f32 data rounded to TF32 as it is loaded)
//   __half, __nv_bfloat16  m16n16k16
// Accumulation is in the fragment's accumulator type: f64 for DMMA, f32 otherwise.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <type_traits>

namespace stencilforge::handwritten::cuda::tc {

namespace wmma = nvcuda::wmma;

template <typename Element>
struct Mma;

template <>
struct Mma<double> {
    static constexpr int m = 8, n = 8, k = 4;
    using Input = double;  // the fragment's element type
    using Accumulator = double;
    __device__ static double convert(double v) { return v; }
};

template <>
struct Mma<float> {  // TF32
    static constexpr int m = 16, n = 16, k = 8;
    using Input = wmma::precision::tf32;
    using Accumulator = float;
    __device__ static float convert(float v) { return v; }  // rounded per fragment (round_fragment)
};

template <>
struct Mma<__half> {
    static constexpr int m = 16, n = 16, k = 16;
    using Input = __half;
    using Accumulator = float;
    __device__ static __half convert(float v) { return __float2half_rn(v); }
};

template <>
struct Mma<__nv_bfloat16> {
    static constexpr int m = 16, n = 16, k = 16;
    using Input = __nv_bfloat16;
    using Accumulator = float;
    __device__ static __nv_bfloat16 convert(float v) { return __float2bfloat16_rn(v); }
};

template <typename E, typename Use, typename Layout>
using Fragment = wmma::fragment<Use, Mma<E>::m, Mma<E>::n, Mma<E>::k, typename Mma<E>::Input, Layout>;
template <typename E>
using AccumulatorFragment = wmma::fragment<wmma::accumulator, Mma<E>::m, Mma<E>::n, Mma<E>::k, typename Mma<E>::Accumulator>;

// Loads an operand tile from shared memory; TF32 operands are rounded from
// f32 here, as the WMMA TF32 interface requires.
template <typename E, typename Use, typename Layout>
__device__ __forceinline__ void load(Fragment<E, Use, Layout> &f, const E *p, unsigned ld) {
    wmma::load_matrix_sync(f, p, ld);
    if constexpr (std::is_same_v<E, float>) {
#pragma unroll
        for (int t = 0; t < f.num_elements; ++t) f.x[t] = wmma::__float_to_tf32(f.x[t]);
    }
}

}  // namespace stencilforge::handwritten::cuda::tc
