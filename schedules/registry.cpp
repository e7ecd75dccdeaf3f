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
    if (ctx.tile_vectors > 0 && ctx.tile_pixels > 0) {
        return {lanes, ctx.tile_vectors * lanes, ctx.tile_pixels, ctx.tile_rows > 0 ? ctx.tile_rows : 1};
    }
    // AVX-512: 2 vectors x 7 x 2 pixels = 28 accumulators + 2 weights + 1
    // broadcast of 32 registers. 7 tiles the ResNet widths (112, 56, 28, 14,
    // 7) exactly, and only the 7-row layers recompute a row. (4 x 7 needed
    // 33: LLVM moved 28 registers and spilled per reduction step, measured
    // 0.52-0.88x oneDNN.) AVX2: 2 x 3 x 2 = 12 + 2 + 1 of 16 registers,
    // which measured 1.1-1.3x the 1 x 7 x 2 and 2 x 6 x 1 tiles on 56- to
    // 14-wide layers; it loses only on 7-wide ones (9 columns for 7).
    if (lanes >= 16) return {lanes, 2 * lanes, 7, 2};
    return {lanes, 2 * lanes, 3, 2};
}

RegisterTile winograd_tile(const ConvContext &ctx) {
    const int lanes = ctx.vector_lanes();
    if (ctx.tile_vectors > 0 && ctx.tile_pixels > 0) return {lanes, ctx.tile_vectors * lanes, ctx.tile_pixels, 1};
    // AVX-512: 4 x 6 = 24 accumulators + 4 weights + 1 broadcast; AVX2: 2 x 6 + 2 + 1.
    return {lanes, (lanes >= 16 ? 4 : 2) * lanes, 6, 1};
}

Halide::Expr fit(const Halide::Func &out, int dim, int tile) {
    return Halide::min(tile, out.output_buffer().dim(dim).extent());
}

void vectorize_x(Halide::Func out, const Halide::Var &x, int lanes) {
    out.vectorize(x, lanes, Halide::TailStrategy::GuardWithIf);
}

}  // namespace stencilforge::schedules
