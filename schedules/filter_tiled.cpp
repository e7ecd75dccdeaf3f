// `tiled` for the image filters: strips of rows per task (across channels and
// cores), each strip's bounded input (and for sepfilter its row pass) computed
// once into an L2-sized buffer, so the boundary selects run once per pixel and
// not once per tap; the taps then accumulate into a block of 8 vectors along x
// held in registers: 8 independent FMA chains cover the FMA latency on two
// pipes (4 vectors measured 1.7-1.9x slower on 5x5 and 9x9 with AVX2).
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void filter_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, acc = s.acc;
    Var x = s.vars[0], y = s.vars[1], c = s.vars[2];
    const int lanes = ctx.vector_lanes();
    const int block = 8 * lanes;
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), t("t");

    // Strips never taller than the image, so ShiftInwards is legal on any height.
    out.split(y, yo, yi, min(16, ctx.out_extent(1))).reorder(x, yi, yo, c).fuse(yo, c, t).parallel(t);
    // Images at least one block wide: whole blocks (the last one shifted
    // back); narrower ones: single predicated vectors.
    Expr wide = ctx.out_extent(0) >= block;
    out.specialize(wide).split(x, xo, xi, block).vectorize(xi, lanes).unroll(xi);
    out.split(x, xo, xi, lanes, TailStrategy::GuardWithIf).vectorize(xi);

    acc.compute_at(out, xo);
    std::vector<VarOrRVar> order{x};
    for (int d = 0; d < s.r.dimensions(); ++d) order.push_back(s.r[d]);
    acc.specialize(wide).vectorize(x, lanes).unroll(x);
    acc.vectorize(x, lanes);
    acc.update().specialize(wide).reorder(order).vectorize(x, lanes).unroll(x);
    acc.update().reorder(order).vectorize(x, lanes);

    s.input.compute_at(out, t).vectorize(s.vars[0], lanes);
    if (ctx.algorithm == "sepfilter") {
        Func rows = s.stage("rows");
        rows.compute_at(out, t).vectorize(x, lanes);
        rows.update().vectorize(x, lanes);
    }
}

SF_REGISTER_CONV_SCHEDULE(filter2d, tiled, filter_tiled);
SF_REGISTER_CONV_SCHEDULE(sepfilter, tiled, filter_tiled);

}  // namespace stencilforge::schedules
