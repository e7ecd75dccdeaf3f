// The stencil step and its composition (see stencil_algorithm.h).
#include "stencil_algorithm.h"

namespace stencilforge {

using namespace Halide;

StencilStages compose_stencil_steps(Func input,
                                    const std::vector<Expr> &grid_min,
                                    const std::vector<Expr> &grid_extent,
                                    Func coefficients,
                                    Pattern pattern, int radius, int depth) {
    const int dims = static_cast<int>(grid_min.size());
    StencilStages stages;
    const char *names[] = {"x", "y", "z"};
    for (int d = 0; d < dims; ++d) stages.vars.emplace_back(names[d]);
    const std::vector<Var> &v = stages.vars;

    // Interior cells read their neighbourhood; ring cells keep their value.
    // Steps are defined on the whole plane: outside the grid a step is the
    // identity, so values there never reach a cell inside the grid (the ring
    // in between keeps its values). Only the first step reads the input, and
    // it clamps those reads into the grid: around the cell clamped into the
    // interior for the neighbourhood, at the cell clamped into the grid for
    // the identity. likely() marks the unclamped case as the common one, so
    // Halide splits loops into a steady state without the clamps.
    Expr interior;
    std::vector<Expr> centre, inside_grid;
    for (int d = 0; d < dims; ++d) {
        Expr lo = grid_min[d] + radius, hi = grid_min[d] + grid_extent[d] - 1 - radius;
        Expr inside = v[d] >= lo && v[d] <= hi;
        interior = d == 0 ? inside : (interior && inside);
        // Only x needs likely(): a y or z clamp is one scalar op per row.
        Expr c = clamp(d == 0 ? likely(v[d]) : Expr(v[d]), lo, hi);
        centre.push_back(c);
        // clamp(v, min, max) written through the same likely() clamp, so the
        // steady state (c == v) simplifies it to v instead of splitting again.
        inside_grid.push_back(c + clamp(v[d] - c, -radius, radius));
    }

    const std::vector<Offset> offsets = stencil_offsets(pattern, radius, dims);
    stages.steps.push_back(input);
    for (int k = 1; k <= depth; ++k) {
        const Func &prev = stages.steps.back();
        const bool reads_input = k == 1;
        Expr sum;
        for (size_t j = 0; j < offsets.size(); ++j) {
            std::vector<Expr> at;
            const int delta[3] = {offsets[j].dx, offsets[j].dy, offsets[j].dz};
            for (int d = 0; d < dims; ++d) at.push_back((reads_input ? centre[d] : Expr(v[d])) + delta[d]);
            Expr term = coefficients(static_cast<int>(j)) * prev(at);
            sum = j == 0 ? term : sum + term;
        }
        Func step("step" + std::to_string(k));
        step(v) = select(interior, sum, reads_input ? prev(inside_grid) : prev(std::vector<Expr>(v.begin(), v.end())));
        stages.steps.push_back(step);
    }
    return stages;
}

}  // namespace stencilforge
