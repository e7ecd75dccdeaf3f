// The `omp_wavefront` policy: the hand-written temporal blocking experts write
// (wavefront temporal blocking, Wellein et al. 2009; the per-thread form of
// Malas et al.'s multicore wavefront). The grid is cut along its plane
// dimensions only (x in 2D, x-y in 3D) into one block per thread or more; a
// thread sweeps its block along the slowest dimension (y in 2D, z in 3D) once,
// and at each wavefront position j advances step s at row (plane) j - (s-1)R,
// for every s = 1..Depth. Step s needs only the 2R+1 newest rows of step s-1,
// so each intermediate step lives in a ring of 2R+1 rows: all Depth-1 rings
// are sized to stay in half the L2 (2D) or a thread's share of the LLC (3D).
// Step 0 is read from the input grid and step Depth written to the output
// grid: DRAM traffic is one read and one write per cell per pass, and unlike
// the trapezoid there is no halo along the sweep, only (Depth-s)R cells at the
// block's sides. Rows use the same unrolled `omp simd` weighted sum as the
// `omp` loop, with the taps' rows as pointers into the rings. Compiled once
// per instruction set (host_isa.h).
#pragma once

#include "host_isa.h"
#include "omp_loop.h"
#include "stencilforge/machine.h"
#include "stencilforge/shape.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

namespace stencilforge::handwritten {
struct OmpWavefront;  // the policy's name in the catalog
}

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

// One row of `Depth`-step wavefront: the taps read rows of the previous step
// through `rows`, indexed by the tap's offset along the sweep (+R); within a
// row (2D) or plane (3D) the offset is dx (+ dy * sy).
template <Pattern P, int R, int D, typename T, std::size_t... J>
inline T swept_sum(const T *const *rows, std::int64_t x, std::int64_t sy, const T *c, std::index_sequence<J...>) {
    constexpr auto off = offsets_array<P, R, D>();
    T sum[4] = {};  // four partial sums, as in omp_loop.h's weighted_sum()
    if constexpr (D == 2) {
        ((sum[J % 4] += c[J] * rows[off[J].dy + R][x + off[J].dx]), ...);
    } else {
        ((sum[J % 4] += c[J] * rows[off[J].dz + R][x + off[J].dx + off[J].dy * sy]), ...);
    }
    return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

template <Pattern P, int R, int D, typename T>
inline void swept_row(const T *const *src, T *__restrict dst, std::int64_t from, std::int64_t x_in,
                      std::int64_t x_out, std::int64_t to, std::int64_t sy, const T *c) {
    constexpr auto n_taps = offsets_array<P, R, D>().size();
    const T *rows[2 * R + 1];
    for (int o = 0; o < 2 * R + 1; ++o) rows[o] = src[o];
    T k[n_taps];  // private weights, kept in registers (see omp_loop.h's row())
    for (std::size_t j = 0; j < n_taps; ++j) k[j] = c[j];
    for (std::int64_t x = from; x < std::min(x_in, to); ++x) dst[x] = rows[R][x];
#pragma omp simd
    for (std::int64_t x = x_in; x < x_out; ++x) {
        dst[x] = swept_sum<P, R, D, T>(rows, x, sy, k, std::make_index_sequence<n_taps>{});
    }
    for (std::int64_t x = std::max(x_out, from); x < to; ++x) dst[x] = rows[R][x];
}

// Blocks per plane dimension: at least one per thread, more where a block's
// Depth-1 rings would overflow the cache budget.
struct WavefrontBlocks {
    std::int64_t count[2], size[2];
};

template <int R, int D, typename T, int Depth>
WavefrontBlocks wavefront_blocks(const std::int64_t n[3], int threads) {
    constexpr std::int64_t h = std::int64_t{Depth - 1} * R, rings = std::int64_t{Depth - 1} * (2 * R + 1);
    // 2D rings are rows: half the L2 holds them with room for the input and
    // output rows streaming through. 3D rings are planes, too large for the
    // L2 at any useful block size: a core's half of the shared LLC. Per
    // core, not per thread: ranks of a distributed run (one thread each)
    // share the LLC as threads of one process do.
    static const std::int64_t l2 = l2_cache_bytes(), llc = llc_bytes();
    static const int cores = omp_get_num_procs();
    const std::int64_t budget = D == 2 ? l2 / 2 : llc / (2 * std::max({threads, cores, 1}));
    const std::int64_t cells = std::max<std::int64_t>(budget / (rings * std::int64_t{sizeof(T)}), 64);
    WavefrontBlocks b{{1, 1}, {n[0], D == 3 ? n[1] : 1}};
    if constexpr (D == 2) {
        const std::int64_t width = std::max<std::int64_t>(cells - 2 * h, 1);  // a block's output width
        b.count[0] = std::max<std::int64_t>(threads, (n[0] + width - 1) / width);
    } else {
        // Whole rows in x where they fit (the x halo is the dearer one: it
        // breaks vectors); y blocks share the rest of the budget.
        const std::int64_t wx = std::min(n[0], std::max<std::int64_t>(cells / (4 * h + 8), 64));
        b.count[0] = (n[0] + wx - 1) / wx;
        const std::int64_t wy = std::max<std::int64_t>(cells / (wx + 2 * h) - 2 * h, 2 * h + 1);
        b.count[1] = std::max<std::int64_t>((threads + b.count[0] - 1) / b.count[0], (n[1] + wy - 1) / wy);
    }
    // A whole number of blocks per thread: one block more than the threads
    // would leave all but one thread idle for a block's time.
    const std::int64_t t = std::max(threads, 1), per = D == 2 ? 1 : b.count[0];
    const std::int64_t total = ((b.count[D - 2] * per + t - 1) / t) * t;
    b.count[D - 2] = (total + per - 1) / per;
    for (int d = 0; d < D - 1; ++d) {
        b.count[d] = std::min(b.count[d], n[d]);
        b.size[d] = (n[d] + b.count[d] - 1) / b.count[d];
        b.count[d] = (n[d] + b.size[d] - 1) / b.size[d];
    }
    return b;
}

template <Pattern P, int R, int D, typename T, int Depth>
void wavefront_pass(const HostGrids<T> &g) {
    constexpr std::int64_t ring = 2 * R + 1;
    constexpr auto n_taps = offsets_array<P, R, D>().size();
    const std::int64_t n[3] = {g.nx, g.ny, g.nz};
    const std::int64_t n_sweep = n[D - 1];
    const std::int64_t grid_plane = D == 2 ? g.nx : g.nx * g.ny;  // cells between rows (2D) / planes (3D)
    const WavefrontBlocks blocks = wavefront_blocks<R, D, T, Depth>(n, omp_get_max_threads());
    T c[n_taps];
    for (std::size_t j = 0; j < n_taps; ++j) c[j] = g.coefficients[j];
#pragma omp parallel
    {
        Scratch<T> rings;
#pragma omp for collapse(2) schedule(static)
        for (std::int64_t by = 0; by < blocks.count[1]; ++by) {
            for (std::int64_t bx = 0; bx < blocks.count[0]; ++bx) {
                // Plane dims: the block [lo, hi), and the rings' extent
                // [at, at + ext): the block plus the (Depth-1)R halo step 1 needs.
                const std::int64_t b[2] = {bx, by};
                std::int64_t lo[2], hi[2], at[2], ext[2];
                for (int d = 0; d < 2; ++d) {
                    const bool plane = d < D - 1;
                    lo[d] = plane ? b[d] * blocks.size[d] : 0;
                    hi[d] = plane ? std::min(lo[d] + blocks.size[d], n[d]) : 1;
                    at[d] = plane ? std::max<std::int64_t>(lo[d] - std::int64_t{Depth - 1} * R, 0) : 0;
                    ext[d] = (plane ? std::min(hi[d] + std::int64_t{Depth - 1} * R, n[d]) : 1) - at[d];
                }
                const std::int64_t ring_plane = ext[0] * ext[1];
                rings.reserve(static_cast<std::size_t>(std::max<std::int64_t>(Depth - 1, 1) * ring * ring_plane));
                const std::int64_t grid_at = at[0] + at[1] * g.nx;
                // Row (plane) k of step s, addressed so that p[x + y * sy] is
                // cell (at[0] + x, at[1] + y); sy is its y stride (3D).
                const auto row_of = [&](int s, std::int64_t k) -> T * {
                    if (s == 0) return const_cast<T *>(g.in) + grid_at + k * grid_plane;
                    if (s == Depth) return g.out + grid_at + k * grid_plane;
                    return rings.data() + ((s - 1) * ring + k % ring) * ring_plane;
                };
                const auto stride_of = [&](int s) { return s == 0 || s == Depth ? g.nx : ext[0]; };
                // Step s at sweep position k over [from, to) of the plane dims.
                const auto advance = [&](int s, std::int64_t k) {
                    const std::int64_t m = std::int64_t{Depth - s} * R;
                    std::int64_t from[2], to[2];
                    for (int d = 0; d < 2; ++d) {
                        from[d] = d < D - 1 ? std::max(lo[d] - m, at[d]) - at[d] : 0;
                        to[d] = d < D - 1 ? std::min(hi[d] + m, at[d] + ext[d]) - at[d] : 1;
                    }
                    const std::int64_t x_in = std::max(from[0], R - at[0]);
                    const std::int64_t x_out = std::min(to[0], n[0] - R - at[0]);
                    const std::int64_t sy_src = stride_of(s - 1), sy_dst = stride_of(s);
                    T *dst_plane = row_of(s, k);
                    const T *src[ring];
                    for (int o = 0; o < ring; ++o) {
                        const std::int64_t kk = std::clamp<std::int64_t>(k + o - R, 0, n_sweep - 1);
                        src[o] = row_of(s - 1, kk);
                    }
                    // The ring along the sweep keeps its values: copied.
                    const bool sweep_ring = k < R || k >= n_sweep - R;
                    for (std::int64_t y = from[1]; y < to[1]; ++y) {
                        T *dst = dst_plane + y * sy_dst;
                        const T *centre = src[R] + y * sy_src;
                        const bool y_ring = D == 3 && (at[1] + y < R || at[1] + y >= n[1] - R);
                        if (sweep_ring || y_ring || x_in >= x_out) {
                            std::memcpy(dst + from[0], centre + from[0], sizeof(T) * (to[0] - from[0]));
                            continue;
                        }
                        const T *rows[ring];
                        for (int o = 0; o < ring; ++o) rows[o] = src[o] + y * sy_src;
                        swept_row<P, R, D, T>(rows, dst, from[0], x_in, x_out, to[0], sy_src, c);
                    }
                };
                for (std::int64_t j = 0; j < n_sweep + std::int64_t{Depth - 1} * R; ++j) {
                    for (int s = 1; s <= Depth; ++s) {
                        const std::int64_t k = j - std::int64_t{s - 1} * R;
                        if (k >= 0 && k < n_sweep) advance(s, k);
                    }
                }
            }
        }
    }
}

template <>
struct HostPolicy<OmpWavefront> {
    template <Pattern P, int R, int D, typename T, int Depth>
    static void pass(const HostGrids<T> &g) {
        wavefront_pass<P, R, D, T, Depth>(g);
    }
};

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
