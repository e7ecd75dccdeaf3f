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
    const int lanes = ctx.vector_lanes();
    // Intermediate steps only exist when a depth > 1 is asked of this
    // schedule; the last step is inlined into the output.
    for (size_t k = 1; k + 1 < steps.size(); ++k) {
        steps[k].compute_root().vectorize(v[0], lanes).parallel(v[ctx.dims - 1]);
    }
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), zo("zo"), zi("zi"), t("t");
    out.split(v[0], xo, xi, fit(out, 0, ctx.knobs.pick(ctx.knobs.tile_x, 8192)));
    if (ctx.dims == 2) {
        out.split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 64))).reorder(xi, xo, yi, yo).parallel(yo);
    } else {
        out.split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 8)))
            .split(v[2], zo, zi, fit(out, 2, ctx.knobs.pick(ctx.knobs.tile_z, 64)))
            .reorder(xi, xo, yi, zi, yo, zo)
            .fuse(yo, zo, t)
            .parallel(t);
    }
    // Whole vectors with no tail: the catalog declares an x_granule (a
    // multiple of every vector width), so the runtime calls this kernel on
    // x windows that are multiples of it and RoundUp never passes the edge.
    // A ragged tail (GuardWithIf) or a shifted last vector (ShiftInwards)
    // would keep Halide from splitting off the clamp-free steady state.
    // Grids narrower than the granule run the same loops in scalar code.
    if (ctx.knobs.x_granule % lanes != 0) {
        throw CompileError("tiled needs a catalog x_granule that is a multiple of " + std::to_string(lanes) + " lanes");
    }
    out.specialize(out.output_buffer().dim(0).extent() >= ctx.knobs.x_granule)
        .vectorize(xi, lanes, TailStrategy::RoundUp);
}

SF_REGISTER_STENCIL_SCHEDULE(tiled, tiled);

}  // namespace stencilforge::schedules
