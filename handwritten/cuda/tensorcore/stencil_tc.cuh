// Device level: one stencil step on tensor cores, the banded-matrix
// formulation of band_matrix.h. A block of 4 warps owns an M-row x 4N-column
// output tile (f64: 8 x 32 with DMMA m8n8k4; f32: 16 x 64 with TF32
// m16n16k8); it stages the input window (tile + r halo, every z plane the
// stencil reads) and the banded matrices B_(dz,dy) (built from the
// coefficients, zero off the band) in shared memory. Each warp then sums,
// over the stencil's (dz, dy) rows and the K/k slices of the band, one
// M x k by k x N product into its accumulator, and writes its M x N cells:
// the sum for interior cells, the input for the Dirichlet ring.
// The band has N + 2r useful columns out of Kpad: (N + 2r)/Kpad of the
// products are useful work, the price of the matrix form.
#pragma once

#include "../thread_stencil.cuh"
#include "../block_tile.cuh"
#include "band_matrix.h"
#include "mma_traits.cuh"

namespace stencilforge::handwritten::cuda::tc {

template <int R, typename T>
struct StencilTile {
    using Op = Mma<T>;
    static constexpr int warps = 4, threads = 32 * warps;
    static constexpr int m = Op::m, n = Op::n;                        // one warp's outputs
    static constexpr int kpad = (n + 2 * R + Op::k - 1) / Op::k * Op::k;  // band columns, whole k slices
    static constexpr int cols = warps * n, rows = m;                  // the block's outputs
    // Window row stride: every warp's slice and every k slice starts 32-byte
    // aligned (WMMA's requirement), so a multiple of 32 bytes.
    static constexpr int window_w = (cols - n + kpad + 32 / int(sizeof(T)) - 1) / (32 / int(sizeof(T))) * (32 / int(sizeof(T)));
    static constexpr int window_h = rows + 2 * R;
};

template <Pattern P, int R, int D, typename T>
__global__ void __launch_bounds__(StencilTile<R, T>::threads)
    tc_stencil_step(const T *__restrict__ in, T *__restrict__ out, Extent e, Coefficients<T, kTaps<P, R, D>> c) {
    using Tile = StencilTile<R, T>;
    using Op = Mma<T>;
    constexpr int planes = D == 3 ? 2 * R + 1 : 1, bands = tensorcore::band_rows(R, D);
    __shared__ __align__(32) T window[planes * Tile::window_h * Tile::window_w];
    __shared__ __align__(32) T band[bands * Tile::kpad * Tile::n];
    __shared__ __align__(32) T result[Tile::warps * Tile::m * Tile::n];
    const int x0 = blockIdx.x * Tile::cols, y0 = blockIdx.y * Tile::rows, z = blockIdx.z;
    for (int p = 0; p < planes; ++p) {
        load_tile(window + p * Tile::window_h * Tile::window_w, in, e, x0 - R, y0 - R, D == 3 ? z - R + p : 0,
                  Tile::window_w, Tile::window_h, 1);
    }
    const int self = threadIdx.x;
    for (int i = self; i < bands * Tile::kpad * Tile::n; i += Tile::threads) {
        const int col = i % Tile::n, j = (i / Tile::n) % Tile::kpad, b = i / (Tile::n * Tile::kpad);
        band[i] = tensorcore::band_value(c.c, P, R, D, b, j, col);
    }
    __syncthreads();

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    AccumulatorFragment<T> acc;
    wmma::fill_fragment(acc, 0);
    for (int b = 0; b < bands; ++b) {
        const int dy = tensorcore::band_dy(b, R), dz = tensorcore::band_dz(b, R, D);
        const T *rows = window + (dz + (D == 3 ? R : 0)) * Tile::window_h * Tile::window_w +
                        (dy + R) * Tile::window_w + warp * Tile::n;
#pragma unroll
        for (int s = 0; s < Tile::kpad / Op::k; ++s) {
            Fragment<T, wmma::matrix_a, wmma::row_major> a;
            Fragment<T, wmma::matrix_b, wmma::row_major> bm;
            load<T>(a, rows + s * Op::k, Tile::window_w);
            load<T>(bm, band + (b * Tile::kpad + s * Op::k) * Tile::n, Tile::n);
            wmma::mma_sync(acc, a, bm, acc);
        }
    }
    T *mine = result + warp * Tile::m * Tile::n;
    wmma::store_matrix_sync(mine, acc, Tile::n, wmma::mem_row_major);
    __syncwarp();
    for (int i = lane; i < Tile::m * Tile::n; i += 32) {
        const int r = i / Tile::n, col = i % Tile::n;
        const int x = x0 + warp * Tile::n + col, y = y0 + r;
        if (x >= e.nx || y >= e.ny) continue;
        const T centre = window[(D == 3 ? R : 0) * Tile::window_h * Tile::window_w + (r + R) * Tile::window_w +
                                warp * Tile::n + col + R];
        out[x + e.sy * y + e.sz * z] = interior<R, D>(e, x, y, z) ? mine[i] : centre;
    }
}

}  // namespace stencilforge::handwritten::cuda::tc
