// Device level, host side: the launch geometry of the tensor-core stencil
// step (one block per M x 4N output tile, one z plane per grid z index).
#pragma once

#include "../stencil_launch.cuh"
#include "stencil_tc.cuh"

namespace stencilforge::handwritten::cuda {

struct TensorCoreSchedule {
    template <Pattern P, int R, int D, typename T, int Depth>
    static cudaError_t launch(const Launch<T, P, R, D> &a) {
        static_assert(Depth == 1, "one step per launch");
        using Tile = tc::StencilTile<R, T>;
        const dim3 grid(blocks_for(a.e.nx, Tile::cols), blocks_for(a.e.ny, Tile::rows), a.e.nz);
        tc::tc_stencil_step<P, R, D, T><<<grid, Tile::threads, 0, a.stream>>>(a.in, a.out, a.e, a.c);
        return cudaGetLastError();
    }
};

}  // namespace stencilforge::handwritten::cuda
