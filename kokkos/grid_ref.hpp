// A grid as the Kokkos code sees it: a 1D View over the dense x-fastest data
// plus its extents, indexed (x, y, z). Unmanaged, so it wraps caller memory
// (or a team's scratch).
#pragma once

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace stencilforge::kokkos {

using Exec = Kokkos::DefaultExecutionSpace;

// Policies pick tile sizes by it: GPU blocks want warp-wide x, CPU tiles long rows.
#if defined(KOKKOS_ENABLE_CUDA)
inline constexpr bool kOnGpu = std::is_same_v<Exec, Kokkos::Cuda>;
#else
inline constexpr bool kOnGpu = false;
#endif

// Space: the execution space's memory for grids, its scratch memory for a
// team's tile (the temporal policy).
template <typename T, class Space = Exec::memory_space>
struct GridRef {
    Kokkos::View<T *, Space, Kokkos::MemoryTraits<Kokkos::Unmanaged>> data;
    std::int64_t nx, ny, nz;

    KOKKOS_INLINE_FUNCTION T &operator()(std::int64_t x, std::int64_t y, std::int64_t z) const {
        return data(x + nx * (y + ny * z));
    }
};

}  // namespace stencilforge::kokkos
