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
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> c(n);
    double total = 0;
    for (auto &w : c) total += std::abs(w = u(rng));
    for (auto &w : c) w /= total;
    return c;
}

template <typename T>
std::vector<T> random_grid(std::int64_t cells, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> g(cells);
    for (auto &v : g) v = static_cast<T>(u(rng));
    return g;
}

// Relative error in the max norm: max |got - ref| / max |ref|.
template <typename T>
double max_rel_error(const std::vector<T> &got, const std::vector<double> &ref) {
    double err = 0, scale = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double d = std::abs(static_cast<double>(got[i]) - ref[i]);
        err = std::isnan(d) ? INFINITY : std::max(err, d);
        scale = std::max(scale, std::abs(ref[i]));
    }
    return scale > 0 ? err / scale : err;
}

template <typename T>
constexpr double tolerance() {
    return sizeof(T) == 4 ? 1e-5 : 1e-12;
}

}  // namespace sf_test
