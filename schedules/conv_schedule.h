// The schedule interface of the convolution family: a schedule is a named unit
// that takes one algorithm's stages (conv_algorithm.h) and decides loop order,
// register blocking, vectorization and parallelism. Each file in schedules/
// registers the (algorithm, schedule) pairs it serves; `any` serves every algorithm.
#pragma once

#include "Halide.h"
#include "conv_algorithm.h"

#include <functional>
#include <map>
#include <string>

namespace stencilforge::schedules {

struct ConvContext {
    ConvStages &stages;
    std::string algorithm;
    int stride;
    Halide::Target target;
    // Register-tile knobs (generator params); 0 = the target's default.
    int tile_vectors = 0, tile_pixels = 0, tile_rows = 0;
    int rows_per_task = 0;  // output rows per parallel task (0: the schedule's default)
    // Layers with blocked weights: the runtime's block of output channels
    // (an extent of the weights buffer); undefined for HWIO weights.
    Halide::Expr weight_block;
    // The catalog's block for this target: the register tile's output
    // channels (0: the schedule's default, 2 vectors).
    int tile_channels = 0;
    int vector_lanes() const { return target.natural_vector_size(Halide::Float(32)); }
    // The output buffer's extent in output dimension `d`.
    Halide::Expr out_extent(int d) const { return stages.output.output_buffer().dim(d).extent(); }
};

using ConvSchedule = std::function<void(ConvContext &)>;

// LayerOperands::narrow_width for the direct and im2col layers under
// `schedule` on `target`: the width of layer_tiled's one-row tile where
// that tile spans a narrow image whole (AVX-512's 7 pixels, res5's width),
// else 0. AVX2's row tile is 4 pixels, two tiles over 7 columns, whose
// per-pixel column checks would stay inside the reduction.
int narrow_image_width(const std::string &schedule, const Halide::Target &target);

// Keyed "<algorithm>.<schedule>" ("any.<schedule>" for every algorithm).
std::map<std::string, ConvSchedule> &conv_registry();

struct RegisterConv {
    RegisterConv(const std::string &key, ConvSchedule schedule) { conv_registry()[key] = std::move(schedule); }
};

// The register tile of the layer GEMMs: `channels` output channels (whole
// vectors) by `pixels` x `rows` output pixels, sized to the target's vector
// registers: channels/lanes * pixels * rows accumulators, plus channels/lanes
// weight vectors and one broadcast input, must fit the register file, or
// LLVM shuffles and spills accumulators inside the reduction loop.
struct RegisterTile {
    int lanes, channels, pixels, rows;
};
RegisterTile register_tile(const ConvContext &ctx);
// The tile of images of one row: register_tile's channels by as many pixels
// as the register file holds (AVX-512 2 x 14 = 28 + 2 + 1 of 32, AVX2 2 x 6 =
// 12 + 2 + 1 of 16).
RegisterTile one_row_tile(const ConvContext &ctx);
// Winograd's channel GEMMs run over a flat dimension of tiles, often few
// (4 per 7x7 image): a 1-row tile of fewer pixels.
RegisterTile winograd_tile(const ConvContext &ctx);

}  // namespace stencilforge::schedules

#define SF_REGISTER_CONV_SCHEDULE(algorithm, name, fn)                                      \
    static const ::stencilforge::schedules::RegisterConv sf_register_conv_##algorithm##_##name( \
        #algorithm "." #name, fn)
