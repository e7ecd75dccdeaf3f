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
        // x-y tiles that slide along the whole of z (a wavefront in z, as the
        // hand-written omp_wavefront does): no z halo at all, only the x-y
        // halo. 512x64 x-y tiles with the whole z measured 1.3-1.8x the
        // 512x16x64 tiles this schedule had (star3d1r f32, 512^2x256 and
        // 128^2x64, T = 4 and 8, Zen 5): the z halo of 64-plane tiles cost
        // more than it saved.
        out.split(v[0], xo, xi, fit(out, 0, ctx.knobs.pick(ctx.knobs.tile_x, 512)))
            .split(v[1], yo, yi, fit(out, 1, ctx.knobs.pick(ctx.knobs.tile_y, 64)))
            .split(v[2], zo, zi, fit(out, 2, ctx.knobs.pick(ctx.knobs.tile_z, 1 << 20)))
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
