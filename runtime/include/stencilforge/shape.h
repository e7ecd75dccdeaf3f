// Stencil shapes as data: which offsets a (pattern, radius, dims) stencil reads,
// in the order the caller's coefficients are given. Shared by the Halide
// algorithm and the runtime so the documented coefficient order has one definition.
#pragma once

#include <cstdlib>
#include <vector>

namespace stencilforge {

enum class Pattern { star, box };

struct Offset {
    int dx = 0, dy = 0, dz = 0;
};

// Number of offsets (= coefficients) of a stencil.
constexpr int stencil_size(Pattern pattern, int radius, int dims) {
    const int w = 2 * radius + 1;
    return pattern == Pattern::box ? (dims == 3 ? w * w * w : w * w) : 2 * dims * radius + 1;
}

// Offset j in coefficient order: dz outermost, then dy, then dx, each ascending
// from -r to r. A star keeps the offsets on the axes (at most one non-zero
// component); a box keeps all. constexpr so compiled kernels (hand-written,
// Kokkos) fold it into constants.
constexpr Offset stencil_offset(Pattern pattern, int radius, int dims, int j) {
    const int rz = dims >= 3 ? radius : 0;
    int k = 0;
    for (int dz = -rz; dz <= rz; ++dz) {
        for (int dy = -radius; dy <= radius; ++dy) {
            for (int dx = -radius; dx <= radius; ++dx) {
                const int nonzero = (dx != 0) + (dy != 0) + (dz != 0);
                if ((pattern == Pattern::box || nonzero <= 1) && k++ == j) return Offset{dx, dy, dz};
            }
        }
    }
    return Offset{};
}

inline std::vector<Offset> stencil_offsets(Pattern pattern, int radius, int dims) {
    std::vector<Offset> offsets;
    for (int j = 0; j < stencil_size(pattern, radius, dims); ++j) {
        offsets.push_back(stencil_offset(pattern, radius, dims, j));
    }
    return offsets;
}

}  // namespace stencilforge
