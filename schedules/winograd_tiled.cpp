// `tiled` for Winograd F(m x m, 3 x 3). The filter transform U runs once per
// call (compute_root). Each task is one row of output tiles (ty, n): it
// transforms that row's input tiles into V, runs the (m+2)^2 channel GEMMs
// into M with the same register blocking as the direct layer (output channels
// x tiles, rounded up: U reads zero filters past C_out and V zero padding past
// the last tile, so the extra lanes are harmless), then transforms each
// tile's M back (Yx, then the output with the m x m positions unrolled, so
// x % m and y % m fold to constants).
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void winograd_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, M = s.acc;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    const int m = s.tile;
    const RegisterTile t = register_tile(ctx);
    const auto guard = TailStrategy::GuardWithIf;
    Var tx("tx"), px("px"), ty("ty"), py("py"), tyn("tyn");
    out.split(x, tx, px, m, guard)
        .split(y, ty, py, m, guard)
        .reorder(c, px, py, tx, ty, n)
        .fuse(ty, n, tyn)
        .parallel(tyn)
        .vectorize(c, t.lanes, guard)
        .unroll(px)
        .unroll(py);

    // M's and the transforms' own vars, in definition order.
    Func Yx = s.stage("Yx"), V = s.stage("V"), Vx = s.stage("Vx"), U = s.stage("U");
    Yx.compute_at(out, tx).vectorize(Yx.args()[0], t.lanes).unroll(Yx.args()[1]).unroll(Yx.args()[2]);

    const std::vector<Var> mv = M.args();  // c, i, j, tx, ty, n
    Var mco("mco"), mci("mci"), mto("mto"), mti("mti");
    M.compute_at(out, tyn).vectorize(mv[0], t.lanes);
    M.update()
        .split(mv[0], mco, mci, t.channels, TailStrategy::RoundUp)
        .split(mv[3], mto, mti, t.pixels, TailStrategy::RoundUp)
        .reorder(mci, mti, s.r.x, mto, mco, mv[1], mv[2], mv[4], mv[5])
        .vectorize(mci, t.lanes)
        .unroll(mci)
        .unroll(mti);

    const std::vector<Var> vv = V.args();  // ci, i, j, tx, ty, n
    V.compute_at(out, tyn).reorder(vv[0], vv[1], vv[2], vv[3]).vectorize(vv[0], t.lanes, guard)
        .unroll(vv[1]).unroll(vv[2]);
    Vx.compute_at(V, vv[3]).vectorize(Vx.args()[0], t.lanes, guard).unroll(Vx.args()[1]).unroll(Vx.args()[2]);

    const std::vector<Var> uv = U.args();  // c, ci, i, j
    U.compute_root().vectorize(uv[0], t.lanes).unroll(uv[2]).unroll(uv[3]).parallel(uv[1]);
}

SF_REGISTER_CONV_SCHEDULE(conv_winograd_f2x2, tiled, winograd_tiled);
SF_REGISTER_CONV_SCHEDULE(conv_winograd_f4x4, tiled, winograd_tiled);

}  // namespace stencilforge::schedules
