// The tables of named stencil and convolution schedules, filled by each schedule file at
// start-up, and the helpers schedules share.
#include "conv_schedule.h"
#include "schedule.h"

#include <algorithm>

namespace stencilforge::schedules {

std::map<std::string, StencilSchedule> &stencil_registry() {
    static std::map<std::string, StencilSchedule> registry;
    return registry;
}

std::map<std::string, ConvSchedule> &conv_registry() {
    static std::map<std::string, ConvSchedule> registry;
    return registry;
}

// Pixels per row of a tile of `vectors` channel vectors over `rows` rows
// that fit the register file (32 vector registers on AVX-512, 16 on AVX2)
// with one register per weight vector and one broadcast.
static int pixels_that_fit(int lanes, int vectors, int rows) {
    const int registers = lanes >= 16 ? 32 : 16;
    return (registers - vectors - 1) / (vectors * rows);
}

RegisterTile register_tile(const ConvContext &ctx) {
    const int lanes = ctx.vector_lanes();
    if (ctx.tile_vectors > 0 && ctx.tile_pixels > 0) {
        return {lanes, ctx.tile_vectors * lanes, ctx.tile_pixels, ctx.tile_rows > 0 ? ctx.tile_rows : 1};
    }
    // The channels: the catalog's weight block where the weights are
    // blocked, else 2 vectors. The pixels: as many as fit the register file
    // (32 vector registers on AVX-512, 16 on AVX2) with one register per
    // weight vector and one broadcast, up to 7, over 2 rows for 1 or 2
    // vectors and 1 row for more. For 2 vectors that gives AVX-512 2 x 7 x 2
    // = 28 + 2 + 1 of 32 (7 tiles the ResNet widths 112 to 7 exactly, and
    // only the 7-row layers recompute a row; 4 x 7 x 1 needed 33: LLVM moved
    // 28 registers and spilled per reduction step, 0.52-0.88x oneDNN), and
    // AVX2 2 x 3 x 2 = 12 + 2 + 1 of 16 (measured 1.1-1.3x the 1 x 7 x 2 and
    // 2 x 6 x 1 tiles on 56- to 14-wide layers; it loses only on 7-wide
    // ones, 9 columns for 7).
    const int channels = ctx.tile_channels > 0 ? ctx.tile_channels : 2 * lanes;
    if (channels % lanes != 0 || channels > 4 * lanes) {
        throw Halide::CompileError("register tile of " + std::to_string(channels) + " channels: must be 1 to 4 vectors of " +
                                   std::to_string(lanes) + " lanes");
    }
    const int vectors = channels / lanes;
    const int rows = vectors <= 2 ? 2 : 1;
    const int pixels = std::min(7, pixels_that_fit(lanes, vectors, rows));
    return {lanes, channels, pixels, rows};
}

RegisterTile one_row_tile(const ConvContext &ctx) {
    const RegisterTile t = register_tile(ctx);
    return {t.lanes, t.channels, pixels_that_fit(t.lanes, t.channels / t.lanes, 1), 1};
}

int narrow_image_width(const std::string &schedule, const Halide::Target &target) {
    // layer_tiled's 1-row tile is 7 pixels where its 2-row tile is (AVX-512).
    return schedule == "tiled" && target.natural_vector_size(Halide::Float(32)) >= 16 ? 7 : 0;
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
