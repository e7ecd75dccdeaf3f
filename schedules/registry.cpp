// The table of named stencil schedules, filled by each schedule file at
// start-up, and the helpers schedules share.
#include "schedule.h"

namespace stencilforge::schedules {

std::map<std::string, StencilSchedule> &stencil_registry() {
    static std::map<std::string, StencilSchedule> registry;
    return registry;
}

Halide::Expr fit(const Halide::Func &out, int dim, int tile) {
    return Halide::min(tile, out.output_buffer().dim(dim).extent());
}

void vectorize_x(Halide::Func out, const Halide::Var &x, int lanes) {
    out.vectorize(x, lanes, Halide::TailStrategy::GuardWithIf);
}

}  // namespace stencilforge::schedules
