// The `omp` policy, the hand-written CPU baseline: the OpenMP + SIMD loop nest
// a performance engineer writes by hand, one step per pass. The offsets are
// compile-time constants so the compiler unrolls the sum; rows are split
// across threads and the unit-stride loop is vectorized with `omp simd`.
// Compiled once per instruction set (host_isa.h).
#pragma once

#include "host_isa.h"
#include "stencilforge/shape.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace stencilforge::handwritten {
struct OmpLoop;  // the policy's name in the catalog
}

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

template <Pattern P, int R, int D>
constexpr auto offsets_array() {
    std::array<Offset, stencil_size(P, R, D)> out{};
    for (int j = 0; j < stencil_size(P, R, D); ++j) out[j] = stencil_offset(P, R, D, j);
    return out;
}

template <Pattern P, int R, int D, typename T, std::size_t... J>
inline T weighted_sum(const T *__restrict centre, std::int64_t sy, std::int64_t sz, const T *c,
                      std::index_sequence<J...>) {
    constexpr auto off = offsets_array<P, R, D>();
    // Four partial sums: one chain through all taps (25 for box2d2r) would
    // make each vector wait 25 FMA latencies, more than out-of-order
    // execution hides.
    T sum[4] = {};
    ((sum[J % 4] += c[J] * centre[off[J].dx + off[J].dy * sy + off[J].dz * sz]), ...);
    return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

// Cells [from, to) of one row (offsets from `src`, in `dst` at the same
// offsets): those in [lo, hi), the interior, updated; the others, ring cells,
// copied. The one row loop of the omp, omp_stream and omp_trapezoid policies.
template <Pattern P, int R, int D, typename T>
inline void row_span(const T *__restrict src, T *__restrict dst, std::int64_t from, std::int64_t to, std::int64_t lo,
                     std::int64_t hi, std::int64_t sy, std::int64_t sz, const T *c) {
    constexpr auto n = offsets_array<P, R, D>().size();
    // A private copy of the weights: `dst` may alias `c` as far as the
    // compiler knows, so it would reload every weight per vector otherwise.
    T k[n];
    for (std::size_t j = 0; j < n; ++j) k[j] = c[j];
    const std::int64_t a = std::clamp(lo, from, to), b = std::clamp(hi, a, to);
    for (std::int64_t x = from; x < a; ++x) dst[x] = src[x];
#pragma omp simd
    for (std::int64_t x = a; x < b; ++x) {
        dst[x] = weighted_sum<P, R, D, T>(src + x, sy, sz, k, std::make_index_sequence<n>{});
    }
    for (std::int64_t x = b; x < to; ++x) dst[x] = src[x];
}

// One whole row of the grid: ring cells copied, interior cells updated.
template <Pattern P, int R, int D, typename T>
inline void row(const T *__restrict in, T *__restrict out, std::int64_t nx, std::int64_t sy, std::int64_t sz,
                const T *c) {
    row_span<P, R, D, T>(in, out, 0, nx, R, nx - R, sy, sz, c);
}

template <Pattern P, int R, int D, typename T>
void omp_kernel(const T *__restrict in, T *__restrict out, std::int64_t nx, std::int64_t ny, std::int64_t nz,
                const T *coeffs) {
    constexpr auto n = offsets_array<P, R, D>().size();
    T c[n];
    for (std::size_t j = 0; j < n; ++j) c[j] = coeffs[j];
    const std::int64_t sy = nx, sz = nx * ny;
    const std::int64_t zlo = D == 3 ? R : 0, zhi = D == 3 ? nz - R : nz;
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t z = 0; z < nz; ++z) {
        for (std::int64_t y = 0; y < ny; ++y) {
            const std::int64_t at = y * sy + z * sz;
            if (y < R || y >= ny - R || z < zlo || z >= zhi) {
                std::memcpy(out + at, in + at, sizeof(T) * nx);
            } else {
                row<P, R, D, T>(in + at, out + at, nx, sy, sz, c);
            }
        }
    }
}

template <>
struct HostPolicy<OmpLoop> {
    template <Pattern P, int R, int D, typename T, int Depth>
    static void pass(const HostGrids<T> &g) {
        static_assert(Depth == 1, "omp does one step per pass");
        omp_kernel<P, R, D, T>(g.in, g.out, g.nx, g.ny, g.nz, g.coefficients);
    }
};

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
