// `naive`: Halide's defaults (serial, scalar loops). Intermediate steps are
// computed whole, one after another, because inlining them would recompute
// every step (2r+1)^dims times per use. The speed reference for the others.
#include "schedule.h"

namespace stencilforge::schedules {

static void naive(StencilContext &ctx) {
    auto &steps = ctx.stages.steps;
    // The last step is inlined into the output copy.
    for (size_t k = 1; k + 1 < steps.size(); ++k) steps[k].compute_root();
}

SF_REGISTER_STENCIL_SCHEDULE(naive, naive);

}  // namespace stencilforge::schedules
