// Device level: a convolution layer as an implicit GEMM on tensor cores
// (implicit_gemm.h): M = output pixels, N = C_out, K = K*K*C_in, NHWC input,
// HWIO weights (already the K x C_out B matrix), f32 in and out, the
// products in Element (TF32, FP16 or BF16) accumulated in f32, bias and ReLU
// applied in the epilogue of the same kernel.
//
// Threadblock: a BM x BN output tile, BK reduction columns per stage; the A
// tile is gathered straight from the input (the im2col never exists in
// memory) and converted to Element on the way into shared memory, the B
// tile likewise from the weights; out-of-range rows, columns and padding
// become zeros, so no shape needs to be a multiple of a tile. Warp: a
// (BM/warps_m) x (BN/warps_n) tile of 16x16 accumulators. The epilogue goes
// through shared memory so any C_out stores coalesced and in bounds. A
// correctness-first baseline: single-buffered, no cp.async, no ldmatrix.
#pragma once

#include "implicit_gemm.h"
#include "mma_traits.cuh"

namespace stencilforge::handwritten::cuda::tc {

template <int BM_, int BN_, int BK_, int WarpsM, int WarpsN>
struct GemmTile {
    static constexpr int bm = BM_, bn = BN_, bk = BK_, warps_m = WarpsM, warps_n = WarpsN;
    static constexpr int threads = 32 * WarpsM * WarpsN;
};

// The tiles the layer kernels are built with; conv_tc.cu picks one per layer.
using LargeTile = GemmTile<128, 64, 32, 4, 2>;
using MediumTile = GemmTile<64, 64, 32, 2, 2>;
using SmallTile = GemmTile<32, 64, 32, 1, 2>;

template <typename E, class Tile>
struct GemmShared {
    // Row strides padded against bank conflicts, kept multiples of 32 bytes
    // so every 16-row / k-slice fragment pointer is 32-byte aligned (WMMA).
    static constexpr int pad = 32 / int(sizeof(E));
    static constexpr int lda = Tile::bk + pad, ldb = Tile::bn + pad, ldc = Tile::bn + 8;
    static constexpr int operand_bytes = int(sizeof(E)) * (Tile::bm * lda + Tile::bk * ldb);
    static constexpr int result_bytes = int(sizeof(float)) * Tile::bm * ldc;
    static constexpr int bytes = operand_bytes > result_bytes ? operand_bytes : result_bytes;
};

template <typename E, class Tile>
__global__ void __launch_bounds__(Tile::threads)
    conv_implicit_gemm(const float *__restrict__ in, const float *__restrict__ weights, const float *__restrict__ bias,
                       float *__restrict__ out, tensorcore::ConvGeometry g, bool relu) {
    using Op = Mma<E>;
    using S = GemmShared<E, Tile>;
    constexpr int WM = Tile::bm / Tile::warps_m, WN = Tile::bn / Tile::warps_n;
    constexpr int FM = WM / Op::m, FN = WN / Op::n;
    static_assert(FM * Op::m == WM && FN * Op::n == WN && Tile::bk % Op::k == 0, "tile sizes vs the MMA shape");
    __shared__ __align__(128) unsigned char shared[S::bytes];
    E *As = reinterpret_cast<E *>(shared);
    E *Bs = As + Tile::bm * S::lda;
    float *Cs = reinterpret_cast<float *>(shared);  // reused once the products are done

    const std::int64_t m0 = std::int64_t{blockIdx.x} * Tile::bm, M = g.gemm_m();
    const int n0 = blockIdx.y * Tile::bn, K = g.gemm_k();
    const int warp = threadIdx.x / 32, wm = warp / Tile::warps_n, wn = warp % Tile::warps_n;

    AccumulatorFragment<E> acc[FM][FN];
#pragma unroll
    for (int i = 0; i < FM; ++i)
#pragma unroll
        for (int j = 0; j < FN; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

    for (int k0 = 0; k0 < K; k0 += Tile::bk) {
        for (int i = threadIdx.x; i < Tile::bm * Tile::bk; i += Tile::threads) {
            const int r = i / Tile::bk, kk = k0 + i % Tile::bk;
            const std::int64_t p = m0 + r;
            const float v = p < M && kk < K ? tensorcore::implicit_a(in, g, p, kk) : 0.0f;
            As[r * S::lda + i % Tile::bk] = Op::convert(v);
        }
        for (int i = threadIdx.x; i < Tile::bk * Tile::bn; i += Tile::threads) {
            const int r = i / Tile::bn, col = i % Tile::bn, kk = k0 + r, co = n0 + col;
            const float v = kk < K && co < g.c_out ? weights[std::int64_t{kk} * g.c_out + co] : 0.0f;
            Bs[r * S::ldb + col] = Op::convert(v);
        }
        __syncthreads();
#pragma unroll
        for (int ks = 0; ks < Tile::bk; ks += Op::k) {
            Fragment<E, wmma::matrix_a, wmma::row_major> a[FM];
            Fragment<E, wmma::matrix_b, wmma::row_major> b[FN];
#pragma unroll
            for (int i = 0; i < FM; ++i) load<E>(a[i], As + (wm * WM + i * Op::m) * S::lda + ks, S::lda);
#pragma unroll
            for (int j = 0; j < FN; ++j) load<E>(b[j], Bs + ks * S::ldb + wn * WN + j * Op::n, S::ldb);
#pragma unroll
            for (int i = 0; i < FM; ++i)
#pragma unroll
                for (int j = 0; j < FN; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < FM; ++i)
#pragma unroll
        for (int j = 0; j < FN; ++j)
            wmma::store_matrix_sync(Cs + (wm * WM + i * Op::m) * S::ldc + wn * WN + j * Op::n, acc[i][j], S::ldc,
                                    wmma::mem_row_major);
    __syncthreads();
    for (int i = threadIdx.x; i < Tile::bm * Tile::bn; i += Tile::threads) {
        const int r = i / Tile::bn, col = i % Tile::bn, co = n0 + col;
        const std::int64_t p = m0 + r;
        if (p >= M || co >= g.c_out) continue;
        const float v = Cs[r * S::ldc + col] + bias[co];
        out[p * g.c_out + co] = relu && v < 0.0f ? 0.0f : v;
    }
}

}  // namespace stencilforge::handwritten::cuda::tc
