// `gpu_tiled`: one step per kernel launch for a GPU target (CUDA or OpenCL).
// The output is cut into thread blocks of tile_x x tile_y (x tile_z) cells,
// one thread per cell, x fastest so a warp's loads and stores coalesce. Ragged
// edges are guarded (GuardWithIf), so any grid size runs. Intermediate steps
// (depth > 1) are launched one after another the same way.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

GpuBlocks gpu_tile_all(Func f, const std::vector<Var> &v, const Knobs &k) {
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), zo("zo"), zi("zi");
    const int tx = k.pick(k.tile_x, 32), ty = k.pick(k.tile_y, 8), tz = k.pick(k.tile_z, 2);
    if (v.size() == 2) {
        f.gpu_tile(v[0], v[1], xo, yo, xi, yi, tx, ty, TailStrategy::GuardWithIf);
        return {xo, {tx, ty}};
    }
    f.gpu_tile(v[0], v[1], v[2], xo, yo, zo, xi, yi, zi, tx, ty / 2, tz, TailStrategy::GuardWithIf);
    return {xo, {tx, ty / 2, tz}};
}

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
