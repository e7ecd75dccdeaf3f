// `tiled`: one pass per step. Row blocks (2D) or y-blocks streamed along z
// (3D) are spread across cores and vectorized along x. Blocks are sized so the
// 2r+1 input rows/planes a block touches stay in L2, so each input byte comes
// from DRAM once per step: the single-step kernel is then bandwidth bound.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void tiled(StencilContext &ctx) {
    auto &steps = ctx.stages.steps;
    const auto &v = ctx.stages.vars;
    Func out = ctx.stages.output;
    Func last = steps.back();
    const int lanes = ctx.vector_lanes();
    // Intermediate steps only exist when a depth > 1 is asked of this schedule.
    for (size_t k = 1; k + 2 < steps.size(); ++k) {
        steps[k].compute_root().vectorize(v[0], lanes).parallel(v[ctx.dims - 1]);
    }
    Var yo("yo"), yi("yi"), zo("zo"), zi("zi"), t("t");
    if (ctx.dims == 2) {
        out.split(v[1], yo, yi, ctx.knobs.pick(ctx.knobs.tile_y, 16), TailStrategy::GuardWithIf).parallel(yo);
    } else {
        out.split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 32)))
            .split(v[2], zo, zi, fit(out, 2, ctx.knobs.pick(ctx.knobs.tile_z, 64)))
            .reorder(v[0], yi, zi, yo, zo)
            .fuse(yo, zo, t)
            .parallel(t);
    }
    // The step is computed a row at a time in whole vectors; the output
    // stores the row's cells (a predicated vector at the ragged end).
    last.compute_at(out, yi).vectorize(v[0], lanes * 2, TailStrategy::RoundUp);
    vectorize_x(out, v[0], lanes * 2);
}

SF_REGISTER_STENCIL_SCHEDULE(tiled, tiled);

}  // namespace stencilforge::schedules
