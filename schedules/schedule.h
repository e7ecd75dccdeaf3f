// The schedule interface: a schedule is a named unit that takes the algorithm's
// stages and decides loop order, tiling, vectorization, parallelism and fusion.
// Each schedule lives in its own file in schedules/ and registers itself, so
// adding one needs no edit to the algorithm or the generator.
#pragma once

#include "Halide.h"
#include "gpu_common.h"
#include "stencil_algorithm.h"

#include <functional>
#include <map>
#include <string>

namespace stencilforge::schedules {

// Knobs a catalog entry may set; 0 means "the schedule's own default".
struct Knobs {
    int tile_x = 0, tile_y = 0, tile_z = 0;
    int x_granule = 1;  // output x extents the runtime guarantees: multiples of this, or below it
    int pick(int value, int fallback) const { return value > 0 ? value : fallback; }
};

struct StencilContext {
    StencilStages &stages;
    int dims, radius, depth;
    Halide::Type type;
    Halide::Target target;
    Knobs knobs;
    int vector_lanes() const { return target.natural_vector_size(type); }
};

using StencilSchedule = std::function<void(StencilContext &)>;

std::map<std::string, StencilSchedule> &stencil_registry();

// A split factor that never exceeds the grid's extent in `dim`, so the
// default ShiftInwards tail (full tiles only, the last one shifted back) is
// legal on any grid size and loops keep constant-shape steady states.
Halide::Expr fit(const Halide::Func &out, int dim, int tile);

// Vectorizes the output's `x` by `lanes` on any width: the ragged end is a
// predicated vector (GuardWithIf), which keeps the loop's steady state free
// of the edge clamps where ShiftInwards' shifted last vector would not.
void vectorize_x(Halide::Func out, const Halide::Var &x, int lanes);

// Cuts `f` into thread blocks (knobs tile_x/y/z, defaults 32x8 or 32x4x2),
// one thread per cell, ragged edges guarded.
GpuBlocks gpu_tile_all(Halide::Func f, const std::vector<Halide::Var> &v, const Knobs &k);

struct Register {
    Register(const std::string &name, StencilSchedule schedule) {
        stencil_registry()[name] = std::move(schedule);
    }
};

}  // namespace stencilforge::schedules

// Registers a schedule under `name`; the generator's `schedule` parameter picks it.
#define SF_REGISTER_STENCIL_SCHEDULE(name, fn) \
    static const ::stencilforge::schedules::Register sf_register_##name(#name, fn)
