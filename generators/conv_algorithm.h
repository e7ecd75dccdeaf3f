// The convolution algorithms: image filters (2D and separable correlation with
// a boundary mode) and DNN layers (direct, im2col + GEMM, Winograd, depthwise).
// What each output is, nothing about loop order: schedules/ decides that.
#pragma once

#include "Halide.h"
#include "stencilforge/boundary.h"

#include <map>
#include <string>
#include <vector>

namespace stencilforge {


// The stages of one convolution pipeline, handed to a schedule.
struct ConvStages {
    std::vector<Halide::Var> vars;  // the output's: x, y, c (filters) or c, x, y, n (layers)
    Halide::Func output;            // the pipeline's output
    Halide::Func acc;               // the reduction behind the output (Winograd: the channel GEMM M)
    Halide::RDom r;                 // acc's reduction domain
    Halide::Func input;             // the input as read: boundary applied (filters) or zero-padded (layers)
    std::map<std::string, Halide::Func> stages;  // algorithm-specific: rows, col, U, V, Vx, Yx
    int tile = 1;                   // Winograd's output tile m (2 or 4); 1 otherwise
    // Direct and im2col layers: where this holds, acc sums every filter row,
    // the zero padding rows too; elsewhere it sums only the rows over the
    // image. A schedule whose tiles span several output rows specializes on
    // it: there the rows' checks would sit inside the tile, one per row.
    Halide::Expr sums_every_filter_row;
    // The columns likewise: where sums_every_filter_column holds, acc sums
    // every filter column; elsewhere (images at most
    // LayerOperands::narrow_width wide) only the columns over the image,
    // each pixel its own, so a schedule specializes on it: outside, a check
    // per pixel would sit inside the tile. narrow_3x3: images of exactly
    // that width, a 3 x 3 filter and padding 1, where a tile of the whole
    // width knows each pixel's columns at compile time once its kx loop is
    // unrolled. Both undefined where every layer sums every column.
    Halide::Expr sums_every_filter_column, narrow_3x3;

    Halide::Func stage(const std::string &name) const;  // throws CompileError when absent
};

// Filters over a planar image in(x, y, c) (x fastest, then y, then channel).
ConvStages filter2d(Halide::Func in, Halide::Expr width, Halide::Expr height, Boundary boundary,
                    Halide::Expr value, Halide::Func kernel, Halide::Expr k);
ConvStages sepfilter(Halide::Func in, Halide::Expr width, Halide::Expr height, Boundary boundary,
                     Halide::Expr value, Halide::Func row, Halide::Expr k_row, Halide::Func col,
                     Halide::Expr k_col);

// A DNN layer's operands: in(c, x, y, n) is NHWC, weights(co, ci, kx, ky) is
// HWIO (co fastest), out(co, x, y, n) = relu?(bias(co) + sum ...).
struct LayerOperands {
    Halide::Func in;
    Halide::Expr width, height, channels_in;  // of `in`
    Halide::Func weights, bias;
    Halide::Expr k;                          // the filter's K (K x K)
    Halide::Expr channels_out;
    int stride = 1;
    Halide::Expr pad;                        // zero padding on every side
    Halide::Expr relu;                       // bool: clamp negatives to 0 in the same kernel
    // Stride-1 layers of at most this many input columns skip the filter
    // columns over the zero padding; 0: every layer sums every column. The
    // generator sets the width of the schedule's one-row tile where that
    // tile spans such an image whole (schedules::narrow_image_width).
    int narrow_width = 0;
};

ConvStages conv_direct(const LayerOperands &op);
ConvStages conv_im2col_gemm(const LayerOperands &op);
// Winograd F(m x m, 3 x 3), m = 2 or 4. op.weights holds the transformed
// filters U(co, ci, i, j) from winograd_filter_transform, zero past C_out.
ConvStages conv_winograd(const LayerOperands &op, int m);
// U = G g G^T for each (co, ci) of HWIO weights(co, ci, kx, ky); zero for co >= c_out.
// A pipeline of its own so that a layer's filters are transformed once, not per call.
ConvStages winograd_filter_transform(Halide::Func weights, Halide::Expr c_out, int m);
ConvStages depthwise3x3(const LayerOperands &op);          // weights(c, kx, ky)

}  // namespace stencilforge
