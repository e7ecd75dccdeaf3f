// What the GPU schedules of both families share: the shape of a thread block
// and the per-block staging of a stage in shared memory.
#pragma once

#include "Halide.h"

#include <vector>

namespace stencilforge::schedules {

struct GpuBlocks {
    Halide::Var block;         // the innermost block loop: where per-block (shared-memory) stages go
    std::vector<int> threads;  // the thread block's shape, x first
};

// Computes `f` per thread block in shared memory (OpenCL local memory): at
// `consumer`'s loop `at`, its region loaded by the block's own threads in
// block-shaped chunks. Dimensions beyond the block's are serial loops.
void stage_per_block(Halide::Func f, Halide::Func consumer, const Halide::Var &at, const GpuBlocks &blocks);

// Throws unless `target` has CUDA or OpenCL.
void require_gpu(const Halide::Target &target, const char *schedule);

}  // namespace stencilforge::schedules
