// `gpu_tiled`: one step per kernel launch for a GPU target (CUDA or OpenCL).
// The output is cut into thread blocks of tile_x x tile_y (x tile_z) cells,
// one thread per cell, x fastest so a warp's loads and stores coalesce. Ragged
// edges are guarded (GuardWithIf), so any grid size runs. Intermediate steps
// (depth > 1) are launched one after another the same way.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void gpu_tiled(StencilContext &ctx) {
    require_gpu(ctx.target, "gpu_tiled");
    auto &steps = ctx.stages.steps;
    for (size_t k = 1; k + 1 < steps.size(); ++k) {
        steps[k].compute_root();
        gpu_tile_all(steps[k], ctx.stages.vars, ctx.knobs);
    }
    gpu_tile_all(ctx.stages.output, ctx.stages.vars, ctx.knobs);
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_tiled, gpu_tiled);

}  // namespace stencilforge::schedules
