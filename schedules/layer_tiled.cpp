// `tiled` for the direct and im2col-GEMM layers: the register-blocked GEMM
// micro-kernel both reduce to. Tasks are (block of output rows of one image,
// group of up to 128 output channels) pairs across cores; within a task, each
// RegisterTile block of output channels (whole vectors) runs over every
// pixels x rows tile of the rows, accumulating in registers over the ci, kx,
// ky reduction, ci innermost (unit stride in NHWC and HWIO). Each task
// stages its input first, for all its channel blocks: the zero-padded rows
// for `direct`, the rows' im2col matrix for `im2col_gemm`.
// Layers smaller than one task in C_out, W_out or H_out take a
// predicated-vector path with no register blocking.
#include "conv_schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void layer_tiled(ConvContext &ctx) {
    ConvStages &s = ctx.stages;
    Func out = s.output, acc = s.acc;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    const RegisterTile t = register_tile(ctx);
    // A task's output channels: whole register blocks, up to 128, so the
    // staged input serves several blocks (at one 8-channel AVX2 block per
    // task, staging a 1x1 layer's rows cost as many vector moves as its
    // FMAs). 128 measured 1.04-1.16x 64 on the 1x1 layers with AVX-512 and
    // the same or better with AVX2; 256 lost on the 3x3 ones. Narrower
    // layers take as many whole blocks as they have.
    const Expr group_blocks = clamp(ctx.out_extent(0) / t.channels, 1, 128 / t.channels);
    const Expr group = group_blocks * t.channels;
    // Rows per task: one tile of rows by default. Every row of the 7-row
    // layers per task, or 4 rows, measured within 5% of it on res5 with
    // AVX-512, and 4 rows 0.85x on the 14-row layers (16 rows computed for 14).
    const int rows = ctx.rows_per_task > 0 ? std::max(ctx.rows_per_task, t.rows) : t.rows;
    Expr fits = ctx.out_extent(0) >= t.channels && ctx.out_extent(1) >= t.pixels && ctx.out_extent(2) >= rows;

    // Tasks are (block of rows of one image, channel group), rows innermost:
    // tasks taken in order share one group of weights in cache, which
    // matters when the weights are large and the rows few (7x7x512). The
    // rows are split before y is fused with n: a block of the fused y-n
    // loop may wrap into the next image, and Halide then bounds the staged
    // input by every row of the image, staging all of it per task.
    // Whole tiles, the last one in each dimension shifted back over its
    // neighbour (recomputing a few outputs rather than branching). Where
    // C_out is whole register blocks and the weights are blocked by them,
    // channel blocks start at multiples of the block (no shift), so a
    // tile's weights are the block's contiguous stream, at constant offsets.
    Var cg("cg"), cr("cr"), cb("cb"), ci("ci"), xo("xo"), xi("xi"), yo("yo"), yr("yr"), yt("yt"), yi("yi");
    Var yn("yn"), task("task");
    const Expr whole_blocks = ctx.out_extent(0) % t.channels == 0;
    const Expr blocked = ctx.weight_block.defined() ? ctx.weight_block == t.channels : Internal::const_true();
    // Within a task: the channel blocks (outermost first in `blocks`), then
    // the tile's rows and pixels, then the tile itself.
    const auto tile_within_task = [&](Stage stage, const RegisterTile &tile, std::vector<VarOrRVar> blocks,
                                      Expr task_rows) {
        std::vector<VarOrRVar> order{ci, xi, yi, xo, yt};
        order.insert(order.end(), blocks.rbegin(), blocks.rend());
        order.insert(order.end(), {yo, n, cg});
        stage.split(x, xo, xi, tile.pixels)
            .split(y, yo, yr, task_rows)
            .split(yr, yt, yi, tile.rows)
            .reorder(order)
            .fuse(yo, n, yn)
            .fuse(yn, cg, task)
            .parallel(task)
            .vectorize(ci, t.lanes)
            .unroll(ci)
            .unroll(xi)
            .unroll(yi);
    };
    // Whole register blocks of blocked weights: channel blocks at multiples
    // of the block (no shift), grouped into the task's channel group.
    const auto aligned_blocks = [&](Stage stage) {
        return stage.split(c, cr, ci, t.channels, TailStrategy::RoundUp)
            .split(cr, cg, cb, group_blocks, TailStrategy::GuardWithIf);
    };
    // The 7-wide layers where the tile's pixels do not divide the
    // width (AVX2's 3: 9 columns computed for 7) and the rows are not few
    // and odd (those take the 1-row tile below): one vector of channels x 7
    // x 2 (14 accumulators + 1 + 1 of 16 registers), in two halves of each
    // weight block so the blocks stay aligned. On res5 with AVX2, before
    // the 1-row tile, it measured 1.03-1.17x the 2 x 3 x 2 tile in quiet
    // runs; this VM's run-to-run spread is about 10%, so the gain is small.
    const RegisterTile t7{t.lanes, t.lanes, 7, t.rows};
    // Images of few rows that the tile's rows do not divide (res5's 7 rows
    // in 2-row tiles: 8 rows computed for 7, 12.5% of the FMAs) take a
    // 1-row tile of the tile's channels, every row in one task, so the
    // block's weights (590 KB on res5_3x3 with AVX-512) serve all the rows
    // from L2; widths a multiple of 7. AVX-512: 7 pixels (none recomputed),
    // 1.05-1.12x the 2-row tile on res5 (best of 5 alternating runs).
    // AVX2: 4 pixels (8 computed for 7; 8 + 2 + 1 registers, 0.75 loads
    // per FMA against the 7-wide 1 x 7 x 2 tile's 1.07), 1.05-1.3x that
    // tile on 11 of the 12 res5 rows, best of 4 alternating runs; 2 x 7 x 1
    // needs 17 of 16 registers and measured 0.65-0.85x.
    const RegisterTile t_row{t.lanes, t.channels, t.pixels == 7 ? 7 : 4, 1};
    const Expr short_rows = ctx.out_extent(2) < 16 && ctx.out_extent(2) % t.rows != 0 &&
                            ctx.out_extent(1) % 7 == 0 && ctx.out_extent(0) >= t.channels;
    // Images of every width but the narrow one sum every filter column
    // (ConvStages::sums_every_filter_column): each path below is a
    // specialization of `base`, where the column checks fold away.
    const bool narrow_layers = s.sums_every_filter_column.defined();
    Stage base = narrow_layers ? out.specialize(s.sums_every_filter_column) : Stage(out);
    // Images of one row: the runtime runs the small 1x1 layers as one
    // (runtime/src/conv.cpp, runs_as_one_row). A 1-row tile of as many
    // pixels as the registers hold; with AVX-512's 14, widths a multiple of
    // 7 but not of 14 (res5's 49 pixels) take 7 instead, none recomputed.
    const RegisterTile line = one_row_tile(ctx);
    const Expr one_row = ctx.out_extent(2) == 1 && ctx.out_extent(0) >= t.channels;
    std::vector<std::pair<Expr, RegisterTile>> lines{{ctx.out_extent(1) % line.pixels == 0, line}};
    if (line.pixels > 7) lines.push_back({ctx.out_extent(1) % 7 == 0, RegisterTile{t.lanes, t.channels, 7, 1}});
    lines.push_back({ctx.out_extent(1) >= line.pixels, line});
    Expr one_row_tiled = Internal::const_false();
    for (const auto &[width_fits, tile] : lines) {
        one_row_tiled = one_row_tiled || (one_row && width_fits);
        tile_within_task(aligned_blocks(base.specialize(one_row && width_fits && whole_blocks && blocked)), tile, {cb},
                         1);
        tile_within_task(base.specialize(one_row && width_fits).split(c, cg, cr, group).split(cr, cb, ci, t.channels),
                         tile, {cb}, 1);
    }
    if (t.rows > 1) {
        tile_within_task(aligned_blocks(base.specialize(short_rows && whole_blocks && blocked)), t_row, {cb},
                         ctx.out_extent(2));
    }
    if (t.pixels != t7.pixels && t.channels == 2 * t7.channels) {
        Var half("half"), block("block");
        const Expr seven_wide = ctx.out_extent(1) == 7;
        tile_within_task(base.specialize(fits && seven_wide && whole_blocks && blocked)
                             .split(c, cr, block, t.channels, TailStrategy::RoundUp)
                             .split(block, half, ci, t7.channels)
                             .split(cr, cg, cb, group_blocks, TailStrategy::GuardWithIf),
                         t7, {cb, half}, rows);
    }
    // Tall images sum every filter row (ConvStages::sums_every_filter_row):
    // their tiles of several rows then carry no per-row check.
    if (t.rows > 1 && s.sums_every_filter_row.defined()) {
        tile_within_task(aligned_blocks(base.specialize(fits && whole_blocks && blocked && s.sums_every_filter_row)), t,
                         {cb}, rows);
    }
    tile_within_task(aligned_blocks(base.specialize(fits && whole_blocks && blocked)), t, {cb}, rows);
    tile_within_task(base.specialize(fits).split(c, cg, cr, group).split(cr, cb, ci, t.channels), t, {cb}, rows);
    const auto predicated = [&](Stage stage) {
        stage.split(y, yo, yr, rows, TailStrategy::GuardWithIf)
            .split(c, cb, ci, t.lanes, TailStrategy::GuardWithIf)
            .split(x, xo, xi, 1)
            .reorder(ci, xi, xo, yr, cb, yo, n)
            .fuse(yo, n, task)
            .parallel(task)
            .vectorize(ci);
    };
    predicated(base);
    // The narrow 3x3 images (ConvStages::narrow_3x3: res5_3x3's 7 x 7 with
    // AVX-512) in the 1-row tile, which spans their width: with kx unrolled
    // (below), each pixel's filter columns are constants, and the padding
    // columns' taps are left out (2 of every 21 on res5_3x3). Other narrow
    // images (another filter or padding, or no row tile of their width)
    // take the predicated path, checks and all.
    Expr narrow = Internal::const_false();
    if (narrow_layers && t_row.pixels == narrow_image_width("tiled", ctx.target)) {
        narrow = s.narrow_3x3 && ctx.out_extent(1) == t_row.pixels && ctx.out_extent(0) >= t.channels;
        const Expr task_rows = min(ctx.out_extent(2), 16);
        tile_within_task(aligned_blocks(out.specialize(narrow && whole_blocks && blocked)), t_row, {cb}, task_rows);
        tile_within_task(out.specialize(narrow).split(c, cg, cr, group).split(cr, cb, ci, t.channels), t_row, {cb},
                         task_rows);
    }
    if (narrow_layers) predicated(out);

    // The tile accumulates with the reduction outside its channel vectors
    // and pixels, ci innermost; with fewer than 16 input channels (the RGB
    // stem) kx innermost instead: ci would run 3 iterations per (kx, ky).
    std::vector<VarOrRVar> order{c, x, y};
    for (int d = 0; d < s.r.dimensions(); ++d) order.push_back(s.r[d]);
    order.push_back(n);
    // The register-tiled paths: every one above but the predicated one.
    const Expr tiled = fits || one_row_tiled || narrow;
    acc.compute_at(out, xo);
    acc.specialize(tiled).vectorize(c, t.lanes).unroll(c).unroll(x).unroll(y);
    acc.vectorize(c, t.lanes, TailStrategy::GuardWithIf);
    const Expr c_in = s.r[0].extent();
    const auto accumulate = [&](Stage update) {
        if (!Internal::is_const_zero(narrow)) {
            update.specialize(narrow).reorder(order).vectorize(c, t.lanes).unroll(c).unroll(x).unroll(y).unroll(s.r[1]);
        }
        if (s.r.dimensions() == 3) {
            update.specialize(tiled && c_in < 16).reorder(c, x, y, s.r[1], s.r[0], s.r[2], n).vectorize(c, t.lanes)
                .unroll(c).unroll(x).unroll(y);
        }
        update.specialize(tiled).reorder(order).vectorize(c, t.lanes).unroll(c).unroll(x).unroll(y);
        update.reorder(order).vectorize(c, t.lanes, TailStrategy::GuardWithIf);
    };
    // Blocked weights: the block size known (B == the tile's channels), so
    // the weights' co % B and co / B fold to lanes and the block's index.
    if (ctx.weight_block.defined()) accumulate(acc.update().specialize(ctx.weight_block == t.channels));
    accumulate(acc.update());

    // One cache line more than C_in per staged pixel (from 256 channels): at 1024 or 2048
    // channels the tile's 14 pixels were 4 or 8 KiB apart, all in one L1 set
    // (12 ways), and evicted each other before their lines' 16 channels were
    // read (res4/res5 1x1 reduce at batch 8 ran at 38-43% of the FMA peak).
    Func staged = ctx.algorithm == "conv_im2col_gemm" ? s.stage("col") : s.input;
    const Var channel = staged.args()[0];
    staged.compute_at(out, task).bound_storage(channel, c_in + select(c_in >= 256, 16, 0));
    // The RGB stem's padded rows: 3 channels of a vector's lanes left the
    // copy mostly masked (10% of the stem's time with AVX2, read in a
    // profile); the 3 channels unrolled and the pixels vectorized instead.
    if (ctx.algorithm == "conv_direct") {
        staged.specialize(c_in == 3).unroll(channel).vectorize(staged.args()[1], t.lanes, TailStrategy::GuardWithIf);
    }
    staged.vectorize(channel, t.lanes, TailStrategy::GuardWithIf);
}

SF_REGISTER_CONV_SCHEDULE(conv_direct, tiled, layer_tiled);
SF_REGISTER_CONV_SCHEDULE(conv_im2col_gemm, tiled, layer_tiled);

}  // namespace stencilforge::schedules
