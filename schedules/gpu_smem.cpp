// `gpu_smem`: one step per launch, like gpu_tiled, but each thread block first
// stages its input tile plus the stencil's halo in shared memory (OpenCL local
// memory), loaded cooperatively by the block's threads, so each input cell is
// read from device memory about once per block instead of once per neighbour.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void gpu_smem(StencilContext &ctx) {
    require_gpu(ctx, "gpu_smem");
    if (ctx.depth != 1) throw CompileError("gpu_smem does one step per launch (fused steps: a temporal schedule)");
    const auto &v = ctx.stages.vars;
    const GpuBlocks blocks = gpu_tile_all(ctx.stages.output, v, ctx.knobs);
    // steps[0] is the input; the block's region of it (tile + halo) goes to
    // shared memory. The block's own threads load it in block-shaped chunks:
    // every stage of a launch must use the launch's block size (OpenCL
    // requires it; a staged stage sized by its region would exceed it).
    Func staged = ctx.stages.steps[0];
    const std::vector<Var> a = staged.args();  // the input's own (implicit) vars
    staged.compute_at(ctx.stages.output, blocks.block);
    std::vector<VarOrRVar> inner, outer;
    for (size_t d = 0; d < a.size(); ++d) {
        Var o("s" + a[d].name() + "o"), i("s" + a[d].name() + "i");
        staged.split(a[d], o, i, blocks.threads[d], TailStrategy::GuardWithIf);
        inner.emplace_back(i);
        outer.emplace_back(o);
    }
    std::vector<VarOrRVar> order = inner;
    order.insert(order.end(), outer.begin(), outer.end());
    staged.reorder(order);
    if (a.size() == 2) {
        staged.gpu_threads(inner[0], inner[1]);
    } else {
        staged.gpu_threads(inner[0], inner[1], inner[2]);
    }
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_smem, gpu_smem);

}  // namespace stencilforge::schedules
