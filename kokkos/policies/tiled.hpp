// Policy `tiled`: one step over an MDRangePolicy with tile sizes chosen per
// backend: long x rows per tile on CPUs (unit-stride, vectorizable inner
// loop, a few rows so neighbouring rows are reused from cache), a warp-wide x
// extent on GPUs (coalesced loads, one block per tile).
#pragma once

#include "grid_ref.hpp"

namespace stencilforge::kokkos {

template <int D>
struct TileSizes {
#if defined(KOKKOS_ENABLE_CUDA)
    static constexpr bool gpu = std::is_same_v<Exec, Kokkos::Cuda>;
#else
    static constexpr bool gpu = false;
#endif
    // (z,) y, x: outermost first, as the MDRange bounds.
    static constexpr std::int64_t x = gpu ? 32 : 512, y = gpu ? 8 : 8, z = gpu ? 1 : 4;
};

template <int D, class Point, typename T>
void tiled_step(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
    using Index = Kokkos::IndexType<std::int64_t>;
    using Tile = TileSizes<D>;
    if constexpr (D == 2) {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {0, 0}, {in.ny, in.nx}, {Tile::y, Tile::x});
        Kokkos::parallel_for("sf_tiled2d", range, KOKKOS_LAMBDA(std::int64_t y, std::int64_t x) {
            out(x, y, 0) = point(in, x, y, 0, x, y, 0);
        });
    } else {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<3, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {0, 0, 0}, {in.nz, in.ny, in.nx}, {Tile::z, Tile::y, Tile::x});
        Kokkos::parallel_for("sf_tiled3d", range, KOKKOS_LAMBDA(std::int64_t z, std::int64_t y, std::int64_t x) {
            out(x, y, z) = point(in, x, y, z, x, y, z);
        });
    }
}

}  // namespace stencilforge::kokkos
