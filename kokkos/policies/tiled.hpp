// Policy `tiled`: one step. GPUs: an MDRangePolicy with warp-wide x tiles
// (coalesced loads, one block per tile). CPUs: a TeamPolicy of one-thread
// teams, each taking a block of whole rows (its tile: unit-stride, and the
// 2r+1 rows a row reads are reused from cache by the next rows), every row a
// ThreadVectorRange (hierarchical parallelism). An MDRange tile, the CPU
// path before, ran 0.6-0.75x the omp loop: its inner loop over a tile's x is
// Kokkos's, and GCC vectorized it poorly.
#pragma once

#include "grid_ref.hpp"

namespace stencilforge::kokkos {

template <int D>
struct TileSizes {
    // (z,) y, x: outermost first, as the MDRange bounds.
    static constexpr std::int64_t x = kOnGpu ? 32 : 512, y = 8, z = kOnGpu ? 1 : 4;
};

// Ring cells keep their values: whole rows (planes) at the y (z) faces, R
// cells at both ends of every other row.
template <int R, typename T>
void copy_ring(const GridRef<const T> &in, const GridRef<T> &out) {
    const std::int64_t nx = in.nx, ny = in.ny, nz = in.nz, zr = nz > 1 ? R : 0;
    Kokkos::parallel_for("sf_ring", Kokkos::RangePolicy<Exec, Kokkos::IndexType<std::int64_t>>(0, ny * nz),
                         KOKKOS_LAMBDA(std::int64_t row) {
        const std::int64_t y = row % ny, z = row / ny;
        const bool face = y < R || y >= ny - R || z < zr || z >= nz - zr;
        for (std::int64_t x = 0; x < nx; x = (face || x + 1 < R || x >= nx - R) ? x + 1 : nx - R) {
            out(x, y, z) = in(x, y, z);
        }
    });
}

// Interior cells tile by tile through the branch-free expression, then the ring.
template <int D, class Point, typename T>
void tiled_step(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
    using Index = Kokkos::IndexType<std::int64_t>;
    using Tile = TileSizes<D>;
    constexpr std::int64_t R = Point::radius;
    if constexpr (!kOnGpu) {
        using Policy = Kokkos::TeamPolicy<Exec, Kokkos::Schedule<Kokkos::Static>, Index>;
        const std::int64_t ny = in.ny - 2 * R, nz = D == 3 ? in.nz - 2 * R : 1, rows = ny * nz;
        const std::int64_t blocks = (rows + Tile::y - 1) / Tile::y;
        Kokkos::parallel_for("sf_tiled_rows", Policy(blocks, 1), KOKKOS_LAMBDA(const typename Policy::member_type &team) {
            const std::int64_t first = team.league_rank() * Tile::y;
            const std::int64_t last = first + Tile::y < rows ? first + Tile::y : rows;
            for (std::int64_t row = first; row < last; ++row) {
                const std::int64_t y = R + row % ny, z = D == 3 ? R + row / ny : 0;
                Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, R, in.nx - R), [&](std::int64_t x) SF_VECTOR_BODY {
                    out(x, y, z) = point.interior_value(in, x, y, z);
                });
            }
        });
    } else if constexpr (D == 2) {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {R, R}, {in.ny - R, in.nx - R}, {Tile::y, Tile::x});
        Kokkos::parallel_for("sf_tiled2d", range, KOKKOS_LAMBDA(std::int64_t y, std::int64_t x) {
            out(x, y, 0) = point.interior_value(in, x, y, 0);
        });
    } else {
        Kokkos::MDRangePolicy<Exec, Kokkos::Rank<3, Kokkos::Iterate::Right, Kokkos::Iterate::Right>, Index> range(
            {R, R, R}, {in.nz - R, in.ny - R, in.nx - R}, {Tile::z, Tile::y, Tile::x});
        Kokkos::parallel_for("sf_tiled3d", range, KOKKOS_LAMBDA(std::int64_t z, std::int64_t y, std::int64_t x) {
            out(x, y, z) = point.interior_value(in, x, y, z);
        });
    }
    copy_ring<R>(in, out);
}

// The policy type the catalog names (kokkos-tiled).
struct Tiled {
    template <int D, int R, int Depth, class Point, typename T>
    static void pass(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
        static_assert(Depth == 1, "tiled does one step per pass");
        tiled_step<D>(point, in, out);
    }
};

}  // namespace stencilforge::kokkos
