// Policy `temporal`: T steps fused in one pass. A TeamPolicy gives each team
// one tile; the team loads the tile plus a halo of width T*r into scratch
// memory, advances it T steps between two scratch buffers with a team barrier
// after each, and writes the tile's inner part back. Step s is computed on
// the scratch region s*r away from its edges, the cells whose neighbourhoods
// the previous step made valid (overlapped, trapezoidal tiles: the halo is
// recomputed by neighbouring teams instead of exchanged).
#pragma once

#include "grid_ref.hpp"

namespace stencilforge::kokkos {

template <int D>
struct TemporalTile {
    // Inner tile. CPU: the omp_trapezoid's tiles (two f32 buffers with a
    // T = 8 halo near 650 KB in 2D, inside a 1 MiB L2); 3D tiles long in x,
    // where the halo costs least.
    static constexpr int x = D == 2 ? (kOnGpu ? 64 : 1024) : (kOnGpu ? 32 : 256);
    static constexpr int y = D == 2 ? (kOnGpu ? 16 : 64) : (kOnGpu ? 8 : 32);
    static constexpr int z = D == 2 ? 1 : (kOnGpu ? 8 : 32);
};

template <typename T>
using ScratchRef = GridRef<T, Exec::scratch_memory_space>;

template <int D, int R, int Depth, class Point, typename T>
void temporal_pass(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
    using Tile = TemporalTile<D>;
    using Policy = Kokkos::TeamPolicy<Exec>;
    using Member = typename Policy::member_type;
    using Scratch = decltype(ScratchRef<T>::data);
    constexpr int H = Depth * R;
    constexpr std::int64_t sx = Tile::x + 2 * H, sy = Tile::y + 2 * H, sz = D == 3 ? Tile::z + 2 * H : 1;
    constexpr std::int64_t volume = sx * sy * sz;
    const std::int64_t nx = in.nx, ny = in.ny, nz = in.nz;
    const std::int64_t tiles_x = (nx + Tile::x - 1) / Tile::x, tiles_y = (ny + Tile::y - 1) / Tile::y;
    const std::int64_t tiles_z = D == 3 ? (nz + Tile::z - 1) / Tile::z : 1;
    const std::size_t bytes = 2 * Scratch::shmem_size(volume);
    // Level 0 is a GPU's shared memory (48 KiB per block by default); larger
    // tiles (deep 3D fusion) go to level 1. On CPUs both are team-local memory.
    const int level = bytes <= 48 * 1024 ? 0 : 1;
    Policy policy(static_cast<int>(tiles_x * tiles_y * tiles_z), Kokkos::AUTO);
    policy.set_scratch_size(level, Kokkos::PerTeam(bytes));

    Kokkos::parallel_for("sf_temporal", policy, KOKKOS_LAMBDA(const Member &team) {
        const ScratchRef<T> a{Scratch(team.team_scratch(level), volume), sx, sy, sz};
        const ScratchRef<T> b{Scratch(team.team_scratch(level), volume), sx, sy, sz};
        const std::int64_t t = team.league_rank();
        // Grid coordinates of scratch cell (0, 0, 0).
        const std::int64_t ox = (t % tiles_x) * Tile::x - H, oy = (t / tiles_x % tiles_y) * Tile::y - H;
        const std::int64_t oz = D == 3 ? t / (tiles_x * tiles_y) * Tile::z - H : 0;
        const auto clampi = [](std::int64_t v, std::int64_t lo, std::int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); };

        // Cells outside the grid load their nearest grid cell: they are ring
        // cells (identity) and never feed a cell inside the grid. The row's
        // part inside the grid [xin, xout) is a plain copy, which vectorizes
        // where a clamp per cell would not.
        const std::int64_t xin = clampi(-ox, 0, sx), xout = clampi(nx - ox, xin, sx);
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, sy * sz), [&](std::int64_t row) {
            const std::int64_t ly = row % sy, lz = row / sy;
            const std::int64_t gy = clampi(oy + ly, 0, ny - 1), gz = clampi(oz + lz, 0, nz - 1);
            Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, xin, xout), [&](std::int64_t lx) SF_VECTOR_BODY {
                a(lx, ly, lz) = in(ox + lx, gy, gz);
            });
            for (std::int64_t lx = 0; lx < xin; ++lx) a(lx, ly, lz) = in(0, gy, gz);
            for (std::int64_t lx = xout; lx < sx; ++lx) a(lx, ly, lz) = in(nx - 1, gy, gz);
        });
        team.team_barrier();

        for (int s = 1; s <= Depth; ++s) {
            const ScratchRef<T> &src = s % 2 == 1 ? a : b;
            const ScratchRef<T> &dst = s % 2 == 1 ? b : a;
            const std::int64_t lo = s * R, zlo = D == 3 ? lo : 0;
            const std::int64_t ry = sy - 2 * lo, rz = sz - 2 * zlo;
            Kokkos::parallel_for(Kokkos::TeamThreadRange(team, ry * rz), [&](std::int64_t row) {
                const std::int64_t ly = lo + row % ry, lz = zlo + row / ry;
                // The row's interior cells [ilo, ihi) take the branch-free
                // expression (a loop that vectorizes); the rest keep their values.
                std::int64_t ilo = lo, ihi = lo;
                if (point.interior(R, oy + ly, D == 3 ? oz + lz : 0)) {
                    ilo = clampi(R - ox, lo, sx - lo);
                    ihi = clampi(nx - R - ox, ilo, sx - lo);
                }
                Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, ilo, ihi), [&](std::int64_t lx) SF_VECTOR_BODY {
                    dst(lx, ly, lz) = point.interior_value(src, lx, ly, lz);
                });
                const auto keep = [&](std::int64_t lx) SF_VECTOR_BODY { dst(lx, ly, lz) = src(lx, ly, lz); };
                Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, lo, ilo), keep);
                Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, ihi, sx - lo), keep);
            });
            team.team_barrier();
        }

        const ScratchRef<T> &result = Depth % 2 == 1 ? b : a;
        const std::int64_t zh = D == 3 ? H : 0, tz = D == 3 ? Tile::z : 1;
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, Tile::y * tz), [&](std::int64_t row) {
            const std::int64_t ly = H + row % Tile::y, lz = zh + row / Tile::y;
            if (oy + ly >= ny || oz + lz >= nz) return;
            Kokkos::parallel_for(Kokkos::ThreadVectorRange(team, H, clampi(nx - ox, H, H + Tile::x)),
                       [&](std::int64_t lx) SF_VECTOR_BODY { out(ox + lx, oy + ly, oz + lz) = result(lx, ly, lz); });
        });
    });
}

// The policy type the catalog names (kokkos-temporal).
struct Temporal {
    template <int D, int R, int Depth, class Point, typename T>
    static void pass(const Point &point, const GridRef<const T> &in, const GridRef<T> &out) {
        temporal_pass<D, R, Depth>(point, in, out);
    }
};

}  // namespace stencilforge::kokkos
