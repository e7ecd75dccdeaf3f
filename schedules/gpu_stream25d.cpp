// `gpu_stream25d` (3D): 2.5D blocking. Each thread block owns an x-y tile and
// walks a column of z planes serially; the input tile plus halo sits in a
// shared-memory ring of planes that slides along z, so each plane is loaded
// from device memory once per block instead of 2r+1 times (the z neighbours
// come from the ring). With depth T > 1 every intermediate step slides the
// same way, one plane behind the step it feeds.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void gpu_stream25d(StencilContext &ctx) {
    require_gpu(ctx.target, "gpu_stream25d");
    if (ctx.dims != 3) throw CompileError("gpu_stream25d streams along z: a 3D schedule");
    const auto &v = ctx.stages.vars;
    Func out = ctx.stages.output;
    const int tx = ctx.knobs.pick(ctx.knobs.tile_x, 32), ty = ctx.knobs.pick(ctx.knobs.tile_y, 8);
    const int column = ctx.knobs.pick(ctx.knobs.tile_z, 64);  // planes per block
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), zo("zo"), zi("zi");
    out.split(v[0], xo, xi, tx, TailStrategy::GuardWithIf)
        .split(v[1], yo, yi, ty, TailStrategy::GuardWithIf)
        .split(v[2], zo, zi, column, TailStrategy::GuardWithIf)
        .reorder(xi, yi, zi, xo, yo, zo)
        .gpu_blocks(xo, yo, zo)
        .gpu_threads(xi, yi);
    const GpuBlocks blocks{xo, {tx, ty}};
    const auto &steps = ctx.stages.steps;
    for (size_t s = 0; s + 1 < steps.size(); ++s) {
        // Stored per block, computed per plane: Halide's sliding window then
        // computes only the plane that is new at each zi, and folds the
        // storage to a ring of planes.
        stage_per_block(steps[s], out, zi, blocks);
        Func step = steps[s];
        step.store_at(out, xo);
        // The ring: the 2r+1 planes the next step reads, rounded up to a
        // power of two. Stated explicitly so Halide checks that it can fold
        // (else the block would hold its whole column in shared memory).
        int planes = 1;
        while (planes < 2 * ctx.radius + 1) planes *= 2;
        step.fold_storage(step.args()[2], planes);
    }
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_stream25d, gpu_stream25d);

}  // namespace stencilforge::schedules
