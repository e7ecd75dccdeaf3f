// The plain-loop reference every variant is checked against: one step at a
// time, sums in double, no tiling, no SIMD, written independently of the
// generated kernels (its own offset loop) so a shared bug cannot hide.
#pragma once

#include "stencilforge/shape.h"  // the Pattern names only; the offsets below are this file's own

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

namespace stencilforge::reference {

// Applies `steps` steps of a star/box stencil of `radius` to a dense grid
// (x fastest; nz = 1 for 2D). Returns the result in double precision.
// Coefficient order: dz, then dy, then dx, each from -radius to radius,
// keeping only on-axis offsets for a star.
template <typename T>
std::vector<double> apply(const std::vector<T> &input, std::int64_t nx, std::int64_t ny, std::int64_t nz,
                          int dims, Pattern pattern, int radius, const std::vector<double> &coeffs, int steps) {
    std::vector<double> cur(input.begin(), input.end()), next(cur.size());
    const int r = radius;
    auto idx = [&](std::int64_t x, std::int64_t y, std::int64_t z) { return x + nx * (y + ny * z); };
    for (int s = 0; s < steps; ++s) {
        for (std::int64_t z = 0; z < nz; ++z) {
            for (std::int64_t y = 0; y < ny; ++y) {
                for (std::int64_t x = 0; x < nx; ++x) {
                    const bool inside = x >= r && x < nx - r && y >= r && y < ny - r &&
                                        (dims < 3 || (z >= r && z < nz - r));
                    if (!inside) {
                        next[idx(x, y, z)] = cur[idx(x, y, z)];
                        continue;
                    }
                    double sum = 0;
                    std::size_t j = 0;
                    const int rz = dims == 3 ? r : 0;
                    for (int dz = -rz; dz <= rz; ++dz) {
                        for (int dy = -r; dy <= r; ++dy) {
                            for (int dx = -r; dx <= r; ++dx) {
                                const int on_axis = (dx == 0) + (dy == 0) + (dz == 0) >= 2;
                                if (pattern == Pattern::star && !on_axis) continue;
                                sum += coeffs.at(j++) * cur[idx(x + dx, y + dy, z + dz)];
                            }
                        }
                    }
                    next[idx(x, y, z)] = sum;
                }
            }
        }
        cur.swap(next);
    }
    return cur;
}

// Random signed weights, different per offset (a kernel with permuted taps
// fails against them, where uniform 1/n weights would pass), their absolute
// values summing to 1: the step is a contraction, so values stay O(1) over any
// number of steps and the relative error stays meaningful.
inline std::vector<double> random_weights(int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> c(n);
    double total = 0;
    for (auto &w : c) total += std::abs(w = u(rng));
    for (auto &w : c) w /= total;
    return c;
}

// The error norm every check uses: max |got - ref| / max |ref| (relative
// error in the max norm); a NaN anywhere in `got` counts as infinite error.
template <typename T>
double max_rel_error(const T *got, const std::vector<double> &ref) {
    double err = 0, scale = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double d = std::abs(static_cast<double>(got[i]) - ref[i]);
        err = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(err, d);
        scale = std::max(scale, std::abs(ref[i]));
    }
    return scale > 0 ? err / scale : err;
}

// The bound a kernel of element type T must meet in that norm.
template <typename T>
constexpr double tolerance() {
    return sizeof(T) == 4 ? 1e-5 : 1e-12;
}

}  // namespace stencilforge::reference
