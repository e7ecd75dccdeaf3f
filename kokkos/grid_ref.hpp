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

    // Forced inline, through the raw pointer: a 25-tap sum (box2d2r) is 25
    // accessor calls, each several View layers deep, and GCC's inliner gave
    // up partway, leaving calls that kept the loop scalar.
    KOKKOS_FORCEINLINE_FUNCTION T &operator()(std::int64_t x, std::int64_t y, std::int64_t z) const {
        return data.data()[x + nx * (y + ny * z)];
    }
};

// Marks a lambda a vector loop (ThreadVectorRange) runs, after its parameter
// list. GCC did not inline the 25-tap box2d2r body into the loop: the call
// per cell kept it scalar, 10x slower than the omp loop.
#define SF_VECTOR_BODY __attribute__((always_inline))

}  // namespace stencilforge::kokkos
