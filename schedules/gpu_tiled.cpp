// `gpu_tiled`: one step per kernel launch for a GPU target (CUDA or OpenCL).
// The output is cut into thread blocks of tile_x x tile_y (x tile_z) cells,
// one thread per cell, x fastest so a warp's loads and stores coalesce. Ragged
// edges are guarded (GuardWithIf), so any grid size runs. Intermediate steps
// (depth > 1) are launched one after another the same way.
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

GpuBlocks gpu_tile_all(Func f, const std::vector<Var> &v, const Knobs &k) {
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), zo("zo"), zi("zi");
    const int tx = k.pick(k.tile_x, 32), ty = k.pick(k.tile_y, 8), tz = k.pick(k.tile_z, 2);
    if (v.size() == 2) {
        f.gpu_tile(v[0], v[1], xo, yo, xi, yi, tx, ty, TailStrategy::GuardWithIf);
        return {xo, {tx, ty}};
    }
    f.gpu_tile(v[0], v[1], v[2], xo, yo, zo, xi, yi, zi, tx, ty / 2, tz, TailStrategy::GuardWithIf);
    return {xo, {tx, ty / 2, tz}};
}

void stage_per_block(Func f, Func consumer, const Var &at, const GpuBlocks &blocks) {
    // Every stage of a launch must use the launch's block size (OpenCL
    // requires it; PoCL refused a stage sized by its own region), so the
    // block's threads load the region in block-shaped chunks.
    const std::vector<Var> a = f.args();  // an input's own (implicit) vars too
    f.compute_at(consumer, at);
    std::vector<VarOrRVar> inner, outer;
    for (size_t d = 0; d < a.size(); ++d) {
        if (d >= blocks.threads.size()) {
            outer.emplace_back(a[d]);  // a streamed dimension: a serial loop
            continue;
        }
        Var o("s" + a[d].name() + "o"), i("s" + a[d].name() + "i");
        f.split(a[d], o, i, blocks.threads[d], TailStrategy::GuardWithIf);
        inner.emplace_back(i);
        outer.emplace_back(o);
    }
    std::vector<VarOrRVar> order = inner;
    order.insert(order.end(), outer.begin(), outer.end());
    f.reorder(order);
    if (inner.size() == 2) {
        f.gpu_threads(inner[0], inner[1]);
    } else {
        f.gpu_threads(inner[0], inner[1], inner[2]);
    }
}

void require_gpu(const StencilContext &ctx, const char *schedule) {
    if (!ctx.target.has_gpu_feature()) {
        throw CompileError(std::string("schedule ") + schedule + " needs a GPU target (cuda or opencl), got " +
                           ctx.target.to_string());
    }
}

static void gpu_tiled(StencilContext &ctx) {
    require_gpu(ctx, "gpu_tiled");
    auto &steps = ctx.stages.steps;
    for (size_t k = 1; k + 1 < steps.size(); ++k) {
        steps[k].compute_root();
        gpu_tile_all(steps[k], ctx.stages.vars, ctx.knobs);
    }
    gpu_tile_all(ctx.stages.output, ctx.stages.vars, ctx.knobs);
}

SF_REGISTER_STENCIL_SCHEDULE(gpu_tiled, gpu_tiled);

}  // namespace stencilforge::schedules
