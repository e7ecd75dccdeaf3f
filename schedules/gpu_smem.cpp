// `gpu_smem`: one step per launch, like gpu_tiled, but each thread block first
// stages its input tile plus the stencil's halo in shared memory (OpenCL local
// memory), loaded cooperatively by the block's threads, so each input cell is
// read from device memory about once per block instead of once per neighbour.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

static void gpu_smem(StencilContext &ctx) {
    require_gpu(ctx.target, "gpu_smem");
    if (ctx.depth != 1) throw CompileError("gpu_smem does one step per launch (fused steps: a temporal schedule)");
    const auto &v = ctx.stages.vars;
    const GpuBlocks blocks = gpu_tile_all(ctx.stages.output, v, ctx.knobs);
    // steps[0] is the input; the block's region of it (tile + halo) goes to
    // shared memory.
    stage_per_block(ctx.stages.steps[0], ctx.stages.output, blocks.block, blocks);
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_smem, gpu_smem);

}  // namespace stencilforge::schedules
