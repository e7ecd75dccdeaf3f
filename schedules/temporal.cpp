// `temporal`: all T steps fused in one pass over memory. The output is cut into
// strips along x (2D) or x-y tiles (3D); each intermediate step is computed on
// the strip plus its halo of (T-k)·r cells (overlapped, trapezoidal tiles) and
// slides along the outermost dimension, so Halide keeps only 2r+1 rows (planes)
// of each step in a folded ring buffer that stays in cache. DRAM traffic is one
// read and one write per cell per T steps; the cost is the redundant halo work.
// Step T is inlined into the output's loops.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void temporal(StencilContext &ctx) {
    auto &steps = ctx.stages.steps;
    const auto &v = ctx.stages.vars;
    Func out = ctx.stages.output;
    const int lanes = ctx.vector_lanes();
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), zo("zo"), zi("zi"), t("t");
    Var slide = v[0];
    if (ctx.dims == 2) {
        out.split(v[0], xo, xi, fit(out, 0, ctx.knobs.pick(ctx.knobs.tile_x, 1024)))
            .split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 256)))
            .reorder(xi, yi, xo, yo)
            .parallel(yo);
        slide = yi;
    } else {
        // Wide, short tiles: the x halo is paid once per row, the y halo per
        // tile; 512x16 measured best for star3d1r on 512^2 planes here.
        out.split(v[0], xo, xi, fit(out, 0, ctx.knobs.pick(ctx.knobs.tile_x, 512)))
            .split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 16)))
            .split(v[2], zo, zi, fit(out, 2, ctx.knobs.pick(ctx.knobs.tile_z, 64)))
            .reorder(xi, yi, zi, xo, yo, zo)
            .fuse(yo, zo, t)
            .parallel(t);
        slide = zi;
    }
    vectorize_x(out, xi, lanes);
    for (size_t k = 1; k + 1 < steps.size(); ++k) {
        steps[k].store_at(out, xo).compute_at(out, slide).vectorize(v[0], lanes, TailStrategy::RoundUp);
    }
}

SF_REGISTER_STENCIL_SCHEDULE(temporal, temporal);

}  // namespace stencilforge::schedules
