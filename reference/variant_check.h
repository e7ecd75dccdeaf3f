// Holding a catalog variant to the oracle: run it through the public API on a
// random grid and return its max-norm relative error against the plain-loop
// reference. One check for the three places that make it: tune (a candidate
// is timed only when it agrees), the benchmark (a row is reported only when
// it agrees) and `stencilforge bench --mode corr`.
#pragma once

#include "stencil_reference.h"
#include "stencilforge/catalog.h"
#include "stencilforge/run.h"

#include <cstdint>
#include <random>
#include <vector>

namespace stencilforge::reference {

// The grid the tune and benchmark checks use: ragged (no multiple of a tile
// or a vector), or 3 past an autoscheduler's planned grid, which it needs.
inline std::vector<std::int64_t> check_grid(const VariantInfo &v) {
    std::vector<std::int64_t> e = v.dims == 2 ? std::vector<std::int64_t>{67, 45} : std::vector<std::int64_t>{37, 21, 19};
    for (std::size_t d = 0; d < v.planned_grid.size() && d < e.size(); ++d) e[d] = v.planned_grid[d] + 3;
    return e;
}

// The variant's accuracy contract: its own (reduced-precision tensor cores), else its dtype's.
inline double contract(const VariantInfo &v) {
    return v.tolerance > 0 ? v.tolerance : (v.dtype == DType::f32 ? tolerance<float>() : tolerance<double>());
}

template <typename T>
double variant_error(const VariantInfo &v, const std::vector<std::int64_t> &extent, int steps,
                     const std::vector<double> &coefficients, unsigned seed) {
    const std::int64_t nz = v.dims == 3 ? extent.at(2) : 1, cells = extent.at(0) * extent.at(1) * nz;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<T> in(cells), out(cells);
    for (auto &x : in) x = static_cast<T>(u(rng));
    run(v.name, ConstGridView(in.data(), v.dtype, extent), GridView(out.data(), v.dtype, extent), steps, coefficients);
    const auto ref = apply(in, extent[0], extent[1], nz, v.dims, v.pattern, v.radius, coefficients, steps);
    return max_rel_error(out.data(), ref);
}

// The same for either dtype.
inline double variant_error(const VariantInfo &v, const std::vector<std::int64_t> &extent, int steps,
                            const std::vector<double> &coefficients, unsigned seed) {
    return v.dtype == DType::f32 ? variant_error<float>(v, extent, steps, coefficients, seed)
                                 : variant_error<double>(v, extent, steps, coefficients, seed);
}

}  // namespace stencilforge::reference
