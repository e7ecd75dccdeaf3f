// Threadblock level: a block's tile of the grid plus its halo, staged in
// shared memory by the block's threads together. Cells past the grid's
// faces are clamped copies of the face: they are only ever read by cells
// that are not interior, whose update ignores them.
#pragma once

#include "thread_stencil.cuh"

namespace stencilforge::handwritten::cuda {

__device__ __forceinline__ int clamp_index(int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }

// Loads the (wx x wy x wz) region starting at grid cell (x0, y0, z0) into
// `tile` (x fastest), every thread of the block taking every n-th cell.
template <typename T>
__device__ __forceinline__ void load_tile(T *tile, const T *__restrict__ in, const Extent &e, int x0, int y0,
                                          int z0, int wx, int wy, int wz) {
    const int threads = blockDim.x * blockDim.y * blockDim.z;
    const int self = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    const int cells = wx * wy * wz;
    for (int i = self; i < cells; i += threads) {
        const int lx = i % wx, ly = (i / wx) % wy, lz = i / (wx * wy);
        const int gx = clamp_index(x0 + lx, e.nx), gy = clamp_index(y0 + ly, e.ny), gz = clamp_index(z0 + lz, e.nz);
        tile[i] = in[gx + e.sy * gy + e.sz * gz];
    }
}

}  // namespace stencilforge::handwritten::cuda
