// Thread level: what one thread computes for one cell. The offsets are
// compile-time constants (shape.h, the same table the Halide algorithm and
// the runtime use), so the sum unrolls into straight-line FMAs.
#pragma once

#include "stencilforge/shape.h"

#include <utility>

namespace stencilforge::handwritten::cuda {

template <Pattern P, int R, int D>
inline constexpr int kTaps = stencil_size(P, R, D);

// The coefficients travel by value as a kernel argument: the kernel reads
// them from the constant parameter bank, no device copy needed.
template <typename T, int N>
struct Coefficients {
    T c[N];
};

// The grid's shape and strides; element (x, y, z) is at x + sy*y + sz*z.
struct Extent {
    int nx, ny, nz;
    long long sy, sz;
};

template <int R, int D>
__device__ __forceinline__ bool interior(const Extent &e, int x, int y, int z) {
    const bool xy = x >= R && x < e.nx - R && y >= R && y < e.ny - R;
    return D == 3 ? xy && z >= R && z < e.nz - R : xy;
}

// Tap J's offset as a compile-time constant (a constexpr member, so it is
// folded even where the compiler would not evaluate the call eagerly).
template <Pattern P, int R, int D, int J>
struct Tap {
    static constexpr Offset offset = stencil_offset(P, R, D, J);
};

template <Pattern P, int R, int D, typename T, typename At, std::size_t... J>
__device__ __forceinline__ T weighted_sum(const Coefficients<T, kTaps<P, R, D>> &c, At at,
                                          std::index_sequence<J...>) {
    T sum = 0;
    ((sum += c.c[J] * at(Tap<P, R, D, J>::offset.dx, Tap<P, R, D, J>::offset.dy, Tap<P, R, D, J>::offset.dz)), ...);
    return sum;
}

// The weighted sum around one cell; at(dx, dy, dz) reads its neighbours.
template <Pattern P, int R, int D, typename T, typename At>
__device__ __forceinline__ T weighted_sum(const Coefficients<T, kTaps<P, R, D>> &c, At at) {
    return weighted_sum<P, R, D, T>(c, at, std::make_index_sequence<kTaps<P, R, D>>{});
}

}  // namespace stencilforge::handwritten::cuda
