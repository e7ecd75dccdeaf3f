// `tiled` for Winograd F(m x m, 3 x 3), and for its filter transform (a
// pipeline of its own, run once per set of weights). Per image: the input
// tiles are transformed into V (rows of tiles across cores), then the (m+2)^2 channel GEMMs run into M
// (the GEMMs across cores) with the same register blocking as the direct
// layer over output channels x tiles, all tiles of the image in one
// sequence so small images still fill whole register tiles (rounded up: U
// reads zero filters past C_out and V zero padding past the last tile, so
// the extra lanes are harmless). Last, each row of tiles transforms its M
// back (Yx, then the output with the m x m positions unrolled, so x % m and
// y % m fold to constants).
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void winograd_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, M = s.acc;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    const int m = s.tile;
    const RegisterTile t = winograd_tile(ctx);
    const auto guard = TailStrategy::GuardWithIf;
    Var tx("tx"), px("px"), ty("ty"), py("py");
    out.split(x, tx, px, m, guard)
        .split(y, ty, py, m, guard)
        .reorder(c, px, py, tx, ty, n)
        .parallel(ty)
        .vectorize(c, t.lanes, guard)
        .unroll(px)
        .unroll(py);

    // M's and the transforms' own vars, in definition order.
    Func Yx = s.stage("Yx"), V = s.stage("V"), Vx = s.stage("Vx");
    Yx.compute_at(out, tx).vectorize(Yx.args()[0], t.lanes).unroll(Yx.args()[1]).unroll(Yx.args()[2]);

    const std::vector<Var> mv = M.args();  // c, i, j, tx, ty, n
    Var mco("mco"), mci("mci"), tiles("tiles"), mto("mto"), mti("mti");
    M.compute_at(out, n).vectorize(mv[0], t.lanes);
    M.update()
        .fuse(mv[3], mv[4], tiles)
        .split(mv[0], mco, mci, t.channels, TailStrategy::RoundUp)
        .split(tiles, mto, mti, t.pixels, TailStrategy::RoundUp)
        .reorder(mci, mti, s.r.x, mto, mco, mv[1], mv[2], mv[5])
        .vectorize(mci, t.lanes)
        .unroll(mci)
        .unroll(mti)
        .parallel(mv[2]);

    const std::vector<Var> vv = V.args();  // ci, i, j, tx, ty, n
    V.compute_at(out, n).reorder(vv[0], vv[1], vv[2], vv[3], vv[4]).vectorize(vv[0], t.lanes, guard)
        .unroll(vv[1]).unroll(vv[2]).parallel(vv[4]);
    Vx.compute_at(V, vv[3]).vectorize(Vx.args()[0], t.lanes, guard).unroll(Vx.args()[1]).unroll(Vx.args()[2]);
}

// The filter transform: vectorized along output channels (f64 inside),
// the (m+2)^2 outputs per (co, ci) unrolled so G's rows fold to constants.
static void winograd_filter_tiled(ConvContext &ctx) {
    Func U = ctx.stages.output;
    const std::vector<Var> &v = ctx.stages.vars;  // c, ci, i, j
    U.reorder(v[2], v[3], v[0], v[1]).vectorize(v[0], ctx.vector_lanes() / 2, TailStrategy::GuardWithIf)
        .unroll(v[2]).unroll(v[3]).parallel(v[1]);
}

SF_REGISTER_CONV_SCHEDULE(conv_winograd_f2x2, tiled, winograd_tiled);
SF_REGISTER_CONV_SCHEDULE(conv_winograd_f4x4, tiled, winograd_tiled);
SF_REGISTER_CONV_SCHEDULE(winograd_filter, tiled, winograd_filter_tiled);

}  // namespace stencilforge::schedules
