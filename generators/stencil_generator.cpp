// Halide generator for the stencil family. GeneratorParams choose the shape
// (pattern, radius, dims), the element type, the fused depth T and the named
// schedule; the algorithm comes from stencil_algorithm.h, the schedule from
// the registry in schedules/. The catalog (catalog.json) says which
// combinations are built.
#include "Halide.h"
#include "schedule.h"
#include "stencil_algorithm.h"

#include <sstream>

namespace stencilforge {

using namespace Halide;

class StencilGenerator : public Generator<StencilGenerator> {
public:
    GeneratorParam<Pattern> pattern{"pattern", Pattern::star, {{"star", Pattern::star}, {"box", Pattern::box}}};
    GeneratorParam<int> radius{"radius", 1, 1, 8};
    GeneratorParam<int> dims{"dims", 2, 2, 3};
    GeneratorParam<Type> dtype{"dtype", Float(32)};
    GeneratorParam<int> depth{"depth", 1, 1, 64};
    GeneratorParam<std::string> schedule{"schedule", "tiled"};
    GeneratorParam<int> tile_x{"tile_x", 0};
    GeneratorParam<int> tile_y{"tile_y", 0};
    GeneratorParam<int> tile_z{"tile_z", 0};
    // The catalog's x_granule: the runtime only calls this kernel on output
    // windows whose x extent is a multiple of it (or below it).
    GeneratorParam<int> x_granule{"x_granule", 1};
    // The grid an autoscheduler plans for ("2048x2048"); the catalog's planned_grid.
    GeneratorParam<std::string> planned_grid{"planned_grid", ""};

    Input<Buffer<>> *in = nullptr;
    Input<Buffer<>> *coeffs = nullptr;
    Output<Buffer<>> *out = nullptr;

    void configure() {
        in = add_input<Buffer<>>("in", dtype, dims);
        coeffs = add_input<Buffer<>>("coeffs", dtype, 1);
        out = add_output<Buffer<>>("out", dtype, dims);
    }

    void generate() {
        const int n_dims = dims;
        const int n_coeffs = static_cast<int>(stencil_offsets(pattern, radius, n_dims).size());
        std::vector<Expr> grid_min, grid_extent;
        // The grid is the input's region; run() makes out the same shape, and
        // Halide itself checks that `in` covers every cell the output needs.
        for (int d = 0; d < n_dims; ++d) {
            grid_min.push_back((*in).dim(d).min());
            grid_extent.push_back((*in).dim(d).extent());
        }
        Func input("input");
        if (using_autoscheduler()) {
            // Autoschedulers may round loops over intermediate steps up to
            // their tile sizes, which reads past the grid. Those values never
            // reach a cell inside the grid, but the reads must stay in bounds.
            input = BoundaryConditions::repeat_edge(*in);
        } else {
            input(_) = (*in)(_);
        }
        Func c("c");
        Var j("j");
        c(j) = (*coeffs)(j);

        StencilStages stages = compose_stencil_steps(input, grid_min, grid_extent, c,
                                                     pattern, radius, depth);
        // The output is its own Func over the last step, so a schedule can
        // inline that step or compute it elsewhere (a row at a time, say)
        // without touching the output's loop nest.
        (*out)(stages.vars) = stages.steps.back()(stages.vars);
        stages.output = *out;

        (*coeffs).dim(0).set_bounds(0, n_coeffs);
        // Dense grids, x fastest: loads and stores vectorize without a stride test.
        (*in).dim(0).set_stride(1);
        (*out).dim(0).set_stride(1);

        if (using_autoscheduler()) {
            Region grid;
            std::stringstream extents(planned_grid.value());
            for (std::string e; std::getline(extents, e, 'x');) grid.emplace_back(0, std::stoi(e));
            if (static_cast<int>(grid.size()) != n_dims) {
                throw CompileError("planned_grid '" + std::string(planned_grid) + "' needs " +
                                   std::to_string(n_dims) + " extents");
            }
            (*in).set_estimates(grid);
            (*out).set_estimates(grid);
            (*coeffs).set_estimates({{0, n_coeffs}});
            return;  // the catalog's schedule name only labels the variant
        }
        auto found = schedules::stencil_registry().find(schedule);
        if (found == schedules::stencil_registry().end()) {
            throw CompileError("unknown schedule '" + std::string(schedule) + "' (no file in schedules/ registers it)");
        }
        schedules::StencilContext ctx{stages, n_dims, radius, depth, dtype, get_target(),
                                      {tile_x, tile_y, tile_z, x_granule}};
        found->second(ctx);
    }
};

}  // namespace stencilforge

HALIDE_REGISTER_GENERATOR(stencilforge::StencilGenerator, stencil)
