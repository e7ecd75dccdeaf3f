// The stencil step and its composition (see stencil_algorithm.h).
#include "stencil_algorithm.h"

namespace stencilforge {

using namespace Halide;

StencilStages compose_stencil_steps(Func bounded_input,
                                    const std::vector<Expr> &grid_min,
                                    const std::vector<Expr> &grid_extent,
                                    Func coefficients,
                                    Pattern pattern, int radius, int depth,
                                    Type) {
    const int dims = static_cast<int>(grid_min.size());
    StencilStages stages;
    const char *names[] = {"x", "y", "z"};
    for (int d = 0; d < dims; ++d) stages.vars.emplace_back(names[d]);
    const std::vector<Var> &v = stages.vars;

    // likely() lets Halide split loops into a steady state without the test.
    Expr interior;
    for (int d = 0; d < dims; ++d) {
        Expr inside = v[d] >= grid_min[d] + radius && v[d] < grid_min[d] + grid_extent[d] - radius;
        interior = d == 0 ? inside : (interior && inside);
    }
    interior = likely(interior);

    const std::vector<Offset> offsets = stencil_offsets(pattern, radius, dims);
    stages.steps.push_back(bounded_input);
    for (int k = 1; k <= depth; ++k) {
        const Func &prev = stages.steps.back();
        Expr sum;
        for (size_t j = 0; j < offsets.size(); ++j) {
            std::vector<Expr> at;
            const int delta[3] = {offsets[j].dx, offsets[j].dy, offsets[j].dz};
            for (int d = 0; d < dims; ++d) at.push_back(v[d] + delta[d]);
            Expr term = coefficients(static_cast<int>(j)) * prev(at);
            sum = j == 0 ? term : sum + term;
        }
        Func step("step" + std::to_string(k));
        std::vector<Expr> here(v.begin(), v.end());
        step(v) = select(interior, sum, prev(here));
        stages.steps.push_back(step);
    }
    return stages;
}

}  // namespace stencilforge
