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

// Coefficient order: dz outermost, then dy, then dx, each ascending from -r to r.
// A star keeps the offsets on the axes (at most one non-zero component); a box keeps all.
inline std::vector<Offset> stencil_offsets(Pattern pattern, int radius, int dims) {
    std::vector<Offset> offsets;
    const int rz = dims >= 3 ? radius : 0;
    const int ry = dims >= 2 ? radius : 0;
    for (int dz = -rz; dz <= rz; ++dz) {
        for (int dy = -ry; dy <= ry; ++dy) {
            for (int dx = -radius; dx <= radius; ++dx) {
                const int nonzero = (dx != 0) + (dy != 0) + (dz != 0);
                if (pattern == Pattern::box || nonzero <= 1) offsets.push_back({dx, dy, dz});
            }
        }
    }
    return offsets;
}

}  // namespace stencilforge
