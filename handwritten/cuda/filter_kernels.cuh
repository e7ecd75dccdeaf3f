// Device level: the hand-written K x K image filter (filter2d) on a planar
// f32 image, one thread per output pixel of one plane, with the boundary
// mode a template parameter (the same semantics as the Halide algorithm:
// constant value, clamp to the edge, mirror without repeating the edge).
// `naive` reads every tap from device memory; `smem` stages the block's
// (32 + K - 1) x (8 + K - 1) bounded input in dynamic shared memory first.
#pragma once

#include "filter_index.h"
#include "stencilforge/conv.h"

namespace stencilforge::handwritten::cuda {

struct FilterArgs {
    const float *in;
    const float *taps;  // taps[kx + K*ky]
    float *out;
    int w, h, k;
    float value;  // the constant mode's outside value
};

// The input as the filter reads it at (x, y) of plane `plane`; `image` is the plane.
template <Boundary B>
__device__ __forceinline__ float bounded(const float *image, const FilterArgs &a, int x, int y) {
    if constexpr (B == Boundary::constant || B == Boundary::zero) {
        return x < 0 || x >= a.w || y < 0 || y >= a.h ? a.value : image[x + a.w * y];
    } else if constexpr (B == Boundary::clamp) {
        return image[clamp_to_edge(x, a.w) + a.w * clamp_to_edge(y, a.h)];
    } else {  // mirror (reflect-101), kept inside the image for cells no output reads (filter_index.h)
        return image[reflect101(x, a.w) + a.w * reflect101(y, a.h)];
    }
}

template <Boundary B>
__global__ void filter2d_naive(FilterArgs a) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= a.w || y >= a.h) return;
    const float *image = a.in + static_cast<long long>(blockIdx.z) * a.w * a.h;
    const int r = a.k / 2;
    float sum = 0.0f;
    for (int ky = 0; ky < a.k; ++ky)
        for (int kx = 0; kx < a.k; ++kx) sum += a.taps[kx + a.k * ky] * bounded<B>(image, a, x + kx - r, y + ky - r);
    a.out[static_cast<long long>(blockIdx.z) * a.w * a.h + x + a.w * y] = sum;
}

template <Boundary B>
__global__ void __launch_bounds__(kFilterBlockX *kFilterBlockY) filter2d_smem(FilterArgs a) {
    extern __shared__ float tile[];  // (32 + K - 1) x (8 + K - 1)
    const int r = a.k / 2, tw = kFilterBlockX + a.k - 1, th = kFilterBlockY + a.k - 1;
    const int x0 = blockIdx.x * kFilterBlockX, y0 = blockIdx.y * kFilterBlockY;
    const float *image = a.in + static_cast<long long>(blockIdx.z) * a.w * a.h;
    for (int i = threadIdx.x + kFilterBlockX * threadIdx.y; i < tw * th; i += kFilterBlockX * kFilterBlockY) {
        tile[i] = bounded<B>(image, a, x0 - r + i % tw, y0 - r + i / tw);
    }
    __syncthreads();
    const int x = x0 + threadIdx.x, y = y0 + threadIdx.y;
    if (x >= a.w || y >= a.h) return;
    float sum = 0.0f;
    for (int ky = 0; ky < a.k; ++ky)
        for (int kx = 0; kx < a.k; ++kx) sum += a.taps[kx + a.k * ky] * tile[threadIdx.x + kx + tw * (threadIdx.y + ky)];
    a.out[static_cast<long long>(blockIdx.z) * a.w * a.h + x + a.w * y] = sum;
}

}  // namespace stencilforge::handwritten::cuda
