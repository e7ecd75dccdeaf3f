// `gpu_temporal`: T steps fused in one kernel launch. Each thread block owns
// one output tile; it stages the input tile plus a T*r halo in shared memory,
// then computes every intermediate step k on the tile plus its (T-k)*r halo
// (overlapped, trapezoidal tiles) in shared memory, and step T straight into
// the output. Device-memory traffic is one read and one write per cell per T
// steps; the price is the halo cells each block recomputes, which is why the
// tiles are larger than gpu_tiled's (knobs tile_x/tile_y/tile_z).
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void gpu_temporal(StencilContext &ctx) {
    require_gpu(ctx.target, "gpu_temporal");
    const auto &steps = ctx.stages.steps;
    Knobs k = ctx.knobs;
    // 2D: 32x16 threads, one cell each. 3D keeps gpu_tiled's 32x4x2 block:
    // a wider one's staged regions outgrow shared memory at depth 4.
    if (ctx.dims == 2) k.tile_y = k.pick(k.tile_y, 16);
    const GpuBlocks blocks = gpu_tile_all(ctx.stages.output, ctx.stages.vars, k);
    // Steps 0..T-1 in shared memory, in order; Halide puts a barrier between
    // consecutive stages and reuses the space of stages no longer read.
    for (size_t s = 0; s + 1 < steps.size(); ++s) {
        stage_per_block(steps[s], ctx.stages.output, blocks.block, blocks);
    }
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_temporal, gpu_temporal);

}  // namespace stencilforge::schedules
