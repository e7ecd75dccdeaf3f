// The stencil algorithm: what one step computes, and the T-fold composition of
// that step. No scheduling here: schedules/ decides how the stages run.
#pragma once

#include "Halide.h"
#include "stencilforge/shape.h"

#include <vector>

namespace stencilforge {

// The stages of a T-step stencil pipeline, handed to a schedule.
struct StencilStages {
    std::vector<Halide::Var> vars;    // x, y[, z]: x is the unit-stride dimension
    std::vector<Halide::Func> steps;  // steps[0]: the input; steps[k]: the grid after k steps
    Halide::Func output;              // the pipeline's output: steps.back() on the grid, as its own Func
};

// One step: every interior cell (at least `radius` from each face of the grid
// [min, min+extent) per dimension) becomes the weighted sum of its neighbourhood;
// every other cell keeps its value (Dirichlet ring). Repeated `depth` times.
StencilStages compose_stencil_steps(Halide::Func input,
                                    const std::vector<Halide::Expr> &grid_min,
                                    const std::vector<Halide::Expr> &grid_extent,
                                    Halide::Func coefficients,
                                    Pattern pattern, int radius, int depth);

}  // namespace stencilforge
