// `tiled` for depthwise 3x3: output rows across cores, channels vectorized
// (NHWC puts them at unit stride), the nine taps unrolled into one vector
// accumulator; each row's three padded input rows are staged once.
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void depthwise_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, acc = s.acc;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    const int lanes = ctx.vector_lanes();
    Var co("co"), ci("ci"), yn("yn");
    out.fuse(y, n, yn).parallel(yn).split(c, co, ci, lanes, TailStrategy::GuardWithIf).vectorize(ci);
    acc.compute_at(out, co).vectorize(c, lanes, TailStrategy::GuardWithIf);
    acc.update().reorder(c, s.r.x, s.r.y, x, y, n).vectorize(c, lanes, TailStrategy::GuardWithIf)
        .unroll(s.r.x).unroll(s.r.y);
    s.input.compute_at(out, yn).vectorize(c, lanes, TailStrategy::GuardWithIf);
}

SF_REGISTER_CONV_SCHEDULE(depthwise3x3, tiled, depthwise_tiled);

}  // namespace stencilforge::schedules
