// Thread level, host and device: where the hand-written filter reads a pixel
// outside the image. Plain C++ usable from both sides, so the CPU tests walk
// every cell a block's loader touches (tests/filter_index_test.cpp).
#pragma once

#if defined(__CUDACC__)
#define SF_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define SF_HOST_DEVICE inline
#endif

namespace stencilforge::handwritten::cuda {

// The filter's thread block: one thread per output pixel; `smem` stages a
// (kFilterBlockX + K - 1) x (kFilterBlockY + K - 1) tile.
constexpr int kFilterBlockX = 32, kFilterBlockY = 8;

// Reflect-101 (dcb|abcd|cba) of coordinate x on [0, n). Exact for
// -(n-1) <= x <= 2(n-1), the most a tap can reach (the API refuses images
// not larger than the radius). The `smem` loader also fills tile cells no
// output reads, farther out on images narrower than the tile: those are
// clamped into the image, so every load stays inside the allocation.
SF_HOST_DEVICE int reflect101(int x, int n) {
    x = x < 0 ? -x : (x >= n ? 2 * (n - 1) - x : x);
    return x < 0 ? 0 : (x >= n ? n - 1 : x);
}

// Clamp to the edge.
SF_HOST_DEVICE int clamp_to_edge(int x, int n) { return x < 0 ? 0 : (x >= n ? n - 1 : x); }

}  // namespace stencilforge::handwritten::cuda
