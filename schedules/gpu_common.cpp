// The GPU helpers of gpu_common.h, shared by the stencil and convolution GPU schedules.
#include "gpu_common.h"
#include "schedule.h"

namespace stencilforge::schedules {

using namespace Halide;

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

void require_gpu(const Target &target, const char *schedule) {
    if (!target.has_gpu_feature()) {
        throw CompileError(std::string("schedule ") + schedule + " needs a GPU target (cuda or opencl), got " +
                           target.to_string());
    }
}

// One thread per cell of a tile_x x tile_y (x tile_z) block (schedule.h).
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

}  // namespace stencilforge::schedules
