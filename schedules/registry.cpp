// The tables of named stencil and convolution schedules, filled by each schedule file at
// start-up, and the helpers schedules share.
#include "conv_schedule.h"
#include "schedule.h"

namespace stencilforge::schedules {

std::map<std::string, StencilSchedule> &stencil_registry() {
    static std::map<std::string, StencilSchedule> registry;
    return registry;
}

std::map<std::string, ConvSchedule> &conv_registry() {
    static std::map<std::string, ConvSchedule> registry;
    return registry;
}

RegisterTile register_tile(const ConvContext &ctx) {
    const int lanes = ctx.vector_lanes();
    if (ctx.tile_vectors > 0 && ctx.tile_pixels > 0) return {lanes, ctx.tile_vectors * lanes, ctx.tile_pixels};
    // AVX-512: 4 x 7 accumulators of 32 registers, leaving room for the 4
    // weight vectors; 7 pixels tile the ResNet widths (56, 28, 14, 7) exactly.
    // AVX2: 2 x 6 of 16.
    if (lanes >= 16) return {lanes, 4 * lanes, 7};
    return {lanes, 2 * lanes, 6};
}

Halide::Expr fit(const Halide::Func &out, int dim, int tile) {
    return Halide::min(tile, out.output_buffer().dim(dim).extent());
}

void vectorize_x(Halide::Func out, const Halide::Var &x, int lanes) {
    out.vectorize(x, lanes, Halide::TailStrategy::GuardWithIf);
}

}  // namespace stencilforge::schedules
