// Shared helpers for the tests: random grids and coefficients, a call through
// the public API, and the comparison against the plain-loop reference.
#pragma once

#include "stencil_reference.h"
#include "stencilforge/stencilforge.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace sf_test {

// Weights in [-1, 1] scaled so their absolute values sum to 1: the step is a
// contraction, so values stay O(1) over many steps and the relative error is meaningful.
inline std::vector<double> random_coefficients(int n, unsigned seed) {
    return stencilforge::reference::random_weights(n, seed);
}

template <typename T>
std::vector<T> random_grid(std::int64_t cells, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> g(cells);
    for (auto &v : g) v = static_cast<T>(u(rng));
    return g;
}

template <typename T>
double max_rel_error(const std::vector<T> &got, const std::vector<double> &ref) {
    return stencilforge::reference::max_rel_error(got.data(), ref);
}

using stencilforge::reference::tolerance;

// A variant's contract: its own when the catalog gives one (reduced-precision
// tensor cores), else its dtype's.
template <typename T>
double tolerance_of(const stencilforge::VariantInfo &v) {
    return v.tolerance > 0 ? v.tolerance : tolerance<T>();
}

}  // namespace sf_test
