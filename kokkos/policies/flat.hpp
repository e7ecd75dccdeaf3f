// Policy `flat`: one step, every cell an independent iteration of an
// MDRangePolicy with Kokkos's default tiling (no tile sizes of ours).
#pragma once

#include "grid_ref.hpp"

namespace stencilforge::kokkos {

template <int D, class Point, typename T>
void flat_step(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
    using Index = Kokkos::IndexType<std::int64_t>;
    if constexpr (D == 2) {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {0, 0}, {in.ny, in.nx});
        Kokkos::parallel_for("sf_flat2d", range, KOKKOS_LAMBDA(std::int64_t y, std::int64_t x) {
            out(x, y, 0) = point(in, x, y, 0, x, y, 0);
        });
    } else {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<3, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {0, 0, 0}, {in.nz, in.ny, in.nx});
        Kokkos::parallel_for("sf_flat3d", range, KOKKOS_LAMBDA(std::int64_t z, std::int64_t y, std::int64_t x) {
            out(x, y, z) = point(in, x, y, z, x, y, z);
        });
    }
}

// The policy type the catalog names (kokkos-flat).
struct Flat {
    template <int D, int R, int Depth, class Point, typename T>
    static void pass(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
        static_assert(Depth == 1, "flat does one step per pass");
        flat_step<D>(point, in, out);
    }
};

}  // namespace stencilforge::kokkos
