// The per-point stencil expression, written once for every policy: what one
// cell becomes after one step (interior: the weighted sum of its neighbours;
// ring: its own value, the Dirichlet rule of docs/semantics.md). It reads
// through any accessor `src(x, y, z)`, so the same expression runs on a global
// View (flat, tiled) or on a team's scratch tile (temporal).
#pragma once

#include "stencilforge/shape.h"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <utility>

namespace stencilforge::kokkos {

template <Pattern P, int R, int D, typename T>
struct StencilPoint {
    static constexpr int count = stencil_size(P, R, D);
    static constexpr int radius = R;
    T c[count];
    std::int64_t nx, ny, nz;  // the grid, which decides ring and interior

    KOKKOS_INLINE_FUNCTION bool interior(std::int64_t x, std::int64_t y, std::int64_t z) const {
        return x >= R && x < nx - R && y >= R && y < ny - R && (D == 2 || (z >= R && z < nz - R));
    }

    // (x, y, z) are grid coordinates for the ring test; (ax, ay, az) where the
    // accessor finds that cell (they differ on a scratch tile).
    template <class Src>
    KOKKOS_INLINE_FUNCTION T operator()(const Src &src, std::int64_t x, std::int64_t y, std::int64_t z,
                                        std::int64_t ax, std::int64_t ay, std::int64_t az) const {
        if (!interior(x, y, z)) return src(ax, ay, az);
        return interior_value(src, ax, ay, az);
    }

    // The same expression for a cell the policy knows is interior: no branch,
    // so a loop over interior cells vectorizes. Forced inline: GCC declined to
    // inline the 25-tap box2d2r sum into some policies' loops and called it
    // per cell, scalar (10x slower).
    template <class Src>
    KOKKOS_FORCEINLINE_FUNCTION T interior_value(const Src &src, std::int64_t ax, std::int64_t ay, std::int64_t az) const {
        return sum(src, ax, ay, az, std::make_integer_sequence<int, count>{});
    }

    // Summed in offset order, as the reference does.
    template <class Src, int... J>
    KOKKOS_FORCEINLINE_FUNCTION T sum(const Src &src, std::int64_t ax, std::int64_t ay, std::int64_t az,
                                 std::integer_sequence<int, J...>) const {
        T total = 0;
        constexpr Offset o[] = {stencil_offset(P, R, D, J)...};
        ((total += c[J] * src(ax + o[J].dx, ay + o[J].dy, az + o[J].dz)), ...);
        return total;
    }
};

}  // namespace stencilforge::kokkos
