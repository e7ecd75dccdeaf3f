// The `omp_trapezoid` policy: the hand-written temporal blocking a performance
// engineer writes first. The grid is cut into tiles (x-y in 2D, x-y-z in 3D);
// each thread loads its tile plus a halo of Depth*R cells into a private
// buffer, advances it Depth steps there (the valid region shrinking by R per
// step: overlapped, trapezoidal tiles, the halo computed redundantly by
// neighbouring tiles), and writes the tile back. DRAM traffic is one read and
// one write per cell per Depth steps. Rows use the same unrolled, `omp simd`
// weighted sum as the `omp` loop. Compiled once per instruction set (host_isa.h).
#pragma once

#include "host_isa.h"
#include "omp_loop.h"
#include "stencilforge/shape.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

namespace stencilforge::handwritten {
struct OmpTrapezoid;  // the policy's name in the catalog
}

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

// Tile sizes: a 2D tile of 1024 x 64 cells keeps its two f32 buffers (with a
// T = 8 halo) near 650 KB, inside a 1 MB L2; 3D tiles are larger in x, where
// the halo costs least, and the redundant halo work is the price of depth.
template <int D>
struct TrapezoidTile;
template <>
struct TrapezoidTile<2> {
    static constexpr std::int64_t x = 1024, y = 64, z = 1;
};
template <>
struct TrapezoidTile<3> {
    static constexpr std::int64_t x = 256, y = 32, z = 32;
};

template <Pattern P, int R, int D, typename T, int Depth>
void trapezoid_pass(const HostGrids<T> &g) {
    using Tile = TrapezoidTile<D>;
    constexpr std::int64_t h = std::int64_t{Depth} * R;
    constexpr auto n_taps = offsets_array<P, R, D>().size();
    const std::int64_t n[3] = {g.nx, g.ny, g.nz};
    const std::int64_t t[3] = {Tile::x, Tile::y, Tile::z};
    const std::int64_t tiles[3] = {(n[0] + t[0] - 1) / t[0], (n[1] + t[1] - 1) / t[1], D == 3 ? (n[2] + t[2] - 1) / t[2] : 1};
    T c[n_taps];
    for (std::size_t j = 0; j < n_taps; ++j) c[j] = g.coefficients[j];
    // A cell is updated when it is R or more from every edge of the grid (in
    // the dims the stencil has); the ring keeps its value, as in every variant.
    const auto interior = [&](int d, std::int64_t v) { return d >= D || (v >= R && v < n[d] - R); };
#pragma omp parallel
    {
        Scratch<T> a_buf, b_buf;
#pragma omp for collapse(3) schedule(static)
        for (std::int64_t tz = 0; tz < tiles[2]; ++tz) {
            for (std::int64_t ty = 0; ty < tiles[1]; ++ty) {
                for (std::int64_t tx = 0; tx < tiles[0]; ++tx) {
                    const std::int64_t tile[3] = {tx, ty, tz};
                    // The tile [lo, hi) and the loaded region [lo - h, hi + h), both clipped to the grid.
                    std::int64_t lo[3], hi[3], at[3], ext[3];
                    for (int d = 0; d < 3; ++d) {
                        const bool used = d < D;
                        lo[d] = used ? tile[d] * t[d] : 0;
                        hi[d] = used ? std::min(lo[d] + t[d], n[d]) : 1;
                        at[d] = used ? std::max<std::int64_t>(lo[d] - h, 0) : 0;
                        ext[d] = (used ? std::min(hi[d] + h, n[d]) : 1) - at[d];
                    }
                    const std::int64_t sy = ext[0], sz = ext[0] * ext[1];
                    a_buf.reserve(static_cast<std::size_t>(sz * ext[2]));
                    b_buf.reserve(static_cast<std::size_t>(sz * ext[2]));
                    T *a = a_buf.data(), *b = b_buf.data();
                    for (std::int64_t z = 0; z < ext[2]; ++z) {
                        for (std::int64_t y = 0; y < ext[1]; ++y) {
                            std::memcpy(&a[y * sy + z * sz], g.in + at[0] + (at[1] + y) * n[0] + (at[2] + z) * n[0] * n[1],
                                        sizeof(T) * ext[0]);
                        }
                    }
                    for (int s = 1; s <= Depth; ++s) {
                        // After step s the tile plus (Depth - s) * R cells per side is valid.
                        const std::int64_t m = std::int64_t{Depth - s} * R;
                        std::int64_t from[3], to[3];
                        for (int d = 0; d < 3; ++d) {
                            from[d] = d < D ? std::max(lo[d] - m, at[d]) - at[d] : 0;
                            to[d] = d < D ? std::min(hi[d] + m, at[d] + ext[d]) - at[d] : 1;
                        }
                        for (std::int64_t z = from[2]; z < to[2]; ++z) {
                            for (std::int64_t y = from[1]; y < to[1]; ++y) {
                                const std::int64_t row = y * sy + z * sz;
                                const T *src = a + row;
                                T *dst = b + row;
                                if (!interior(1, at[1] + y) || !interior(2, at[2] + z)) {
                                    std::memcpy(dst + from[0], src + from[0], sizeof(T) * (to[0] - from[0]));
                                    continue;
                                }
                                // x: the grid's interior [R, nx - R), in tile coordinates, updated.
                                row_span<P, R, D, T>(src, dst, from[0], to[0], R - at[0], n[0] - R - at[0], sy, sz, c);
                            }
                        }
                        std::swap(a, b);
                    }
                    for (std::int64_t z = lo[2]; z < hi[2]; ++z) {
                        for (std::int64_t y = lo[1]; y < hi[1]; ++y) {
                            std::memcpy(g.out + lo[0] + y * n[0] + z * n[0] * n[1],
                                        &a[(lo[0] - at[0]) + (y - at[1]) * sy + (z - at[2]) * sz],
                                        sizeof(T) * (hi[0] - lo[0]));
                        }
                    }
                }
            }
        }
    }
}

template <>
struct HostPolicy<OmpTrapezoid> {
    template <Pattern P, int R, int D, typename T, int Depth>
    static void pass(const HostGrids<T> &g) {
        trapezoid_pass<P, R, D, T, Depth>(g);
    }
};

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
