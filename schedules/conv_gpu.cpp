// GPU schedules of the convolution family (CUDA or OpenCL targets).
// `gpu_tiled` for the direct and im2col layers: one thread per output, a
// warp along the output channels (NHWC's unit-stride dimension, so weight
// loads and output stores coalesce while the input value is a broadcast),
// the C_in x K x K sum in the thread's registers; im2col's lowered matrix is
// materialized in device memory by a kernel of its own first, as the
// algorithm says. `gpu_smem` for the K x K filter: each 32x8 block stages its
// bounded input tile plus the K-1 halo in shared memory, then every thread
// sums its K*K taps from there.
#include "conv_schedule.h"
#include "gpu_common.h"

namespace stencilforge::schedules {

using namespace Halide;

namespace {

constexpr int kChannels = 32, kPixels = 8;  // a layer thread block: output channels x output pixels

void layer_gpu_tiled(ConvContext &ctx) {
    require_gpu(ctx.target, "gpu_tiled");
    ConvStages &s = ctx.stages;
    Func out = s.output;
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    Var co("co"), ci("ci"), xo("xo"), xi("xi"), rows("rows");
    out.split(c, co, ci, kChannels, TailStrategy::GuardWithIf)
        .split(x, xo, xi, kPixels, TailStrategy::GuardWithIf)
        .fuse(y, n, rows)
        .reorder(ci, xi, co, xo, rows)
        .gpu_blocks(co, xo, rows)
        .gpu_threads(ci, xi);
    s.acc.compute_at(out, ci);
    if (ctx.algorithm == "conv_im2col_gemm") {
        Func col = s.stage("col");
        const std::vector<Var> a = col.args();  // ci, kx, ky, x, y, n
        Var k("k"), kk("kk"), ko("ko"), ki("ki"), px_o("px_o"), px_i("px_i"), r("r");
        col.compute_root()
            .fuse(a[0], a[1], kk)
            .fuse(kk, a[2], k)
            .fuse(a[4], a[5], r)
            .split(k, ko, ki, kChannels, TailStrategy::GuardWithIf)
            .split(a[3], px_o, px_i, kPixels, TailStrategy::GuardWithIf)
            .reorder(ki, px_i, ko, px_o, r)
            .gpu_blocks(ko, px_o, r)
            .gpu_threads(ki, px_i);
    }
}

void filter_gpu_smem(ConvContext &ctx) {
    require_gpu(ctx.target, "gpu_smem");
    ConvStages &s = ctx.stages;
    Func out = s.output;
    Var x = s.vars[0], y = s.vars[1], c = s.vars[2];
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi");
    const GpuBlocks blocks{xo, {32, 8}};
    out.split(x, xo, xi, blocks.threads[0], TailStrategy::GuardWithIf)
        .split(y, yo, yi, blocks.threads[1], TailStrategy::GuardWithIf)
        .reorder(xi, yi, xo, yo, c)
        .gpu_blocks(xo, yo, c)
        .gpu_threads(xi, yi);
    s.acc.compute_at(out, xi);
    stage_per_block(s.input, out, xo, blocks);
}

}  // namespace

SF_REGISTER_CONV_SCHEDULE(conv_direct, gpu_tiled, layer_gpu_tiled);
SF_REGISTER_CONV_SCHEDULE(conv_im2col_gemm, gpu_tiled, layer_gpu_tiled);
SF_REGISTER_CONV_SCHEDULE(filter2d, gpu_smem, filter_gpu_smem);

}  // namespace stencilforge::schedules
