// `tiled` for the direct and im2col-GEMM layers: the register-blocked GEMM
// micro-kernel both reduce to. Tasks are (block of output rows, block of
// output channels) pairs across cores; within a task, RegisterTile output
// channels (whole vectors) by pixels accumulate in registers over the ci,
// kx, ky reduction, ci innermost (unit stride in NHWC and HWIO). Each task
// stages its input first: the zero-padded rows for `direct`, the rows'
// im2col matrix for `im2col_gemm`.
// Layers narrower than one tile in C_out or W_out take a predicated-vector
// path with no register blocking.
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void layer_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, acc = s.acc;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    const RegisterTile t = register_tile(ctx);
    Var co("co"), ci("ci"), xo("xo"), xi("xi"), yn("yn"), task("task");
    Expr fits = ctx.out_extent(0) >= t.channels && ctx.out_extent(1) >= t.pixels;

    // Tasks are (block of rows of one image, channel block), rows innermost:
    // tasks taken in order share one block of weights in cache, which
    // matters when the weights are large and the rows few (7x7x512). The
    // rows are split before y is fused with n: a block of the fused y-n
    // loop may wrap into the next image, and Halide then bounds the staged
    // input by every row of the image, staging all of it per task.
    // One row per task by default: blocks of 4 rows measured the same on the
    // 28- to 224-row layers and 10-25% slower on the 7- and 14-row ones,
    // whose last block overlaps its neighbour (8 rows computed for 7).
    const int rows = ctx.rows_per_task > 0 ? ctx.rows_per_task : 1;
    Var yo("yo"), yi("yi");
    out.split(y, yo, yi, min(rows, ctx.out_extent(2)));
    // Whole tiles, the last one in each dimension shifted back over its
    // neighbour (recomputing a few outputs rather than branching).
    out.specialize(fits)
        .split(c, co, ci, t.channels)
        .split(x, xo, xi, t.pixels)
        .reorder(ci, xi, xo, yi, yo, n, co)
        .fuse(yo, n, yn)
        .fuse(yn, co, task)
        .parallel(task)
        .vectorize(ci, t.lanes)
        .unroll(ci)
        .unroll(xi);
    out.split(c, co, ci, t.lanes, TailStrategy::GuardWithIf)
        .split(x, xo, xi, 1)
        .reorder(ci, xi, xo, yi, yo, n, co)
        .fuse(yo, n, yn)
        .fuse(yn, co, task)
        .parallel(task)
        .vectorize(ci);

    std::vector<VarOrRVar> order{c, x};
    for (int d = 0; d < s.r.dimensions(); ++d) order.push_back(s.r[d]);
    order.insert(order.end(), {y, n});
    acc.compute_at(out, xo);
    acc.specialize(fits).vectorize(c, t.lanes).unroll(c).unroll(x);
    acc.vectorize(c, t.lanes, TailStrategy::GuardWithIf);
    acc.update().specialize(fits).reorder(order).vectorize(c, t.lanes).unroll(c).unroll(x);
    acc.update().reorder(order).vectorize(c, t.lanes, TailStrategy::GuardWithIf);

    Func staged = ctx.algorithm == "conv_im2col_gemm" ? s.stage("col") : s.input;
    staged.compute_at(out, task).vectorize(staged.args()[0], t.lanes, TailStrategy::GuardWithIf);
}

SF_REGISTER_CONV_SCHEDULE(conv_direct, tiled, layer_tiled);
SF_REGISTER_CONV_SCHEDULE(conv_im2col_gemm, tiled, layer_tiled);

}  // namespace stencilforge::schedules
