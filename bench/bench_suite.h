// What the benchmark runs: the grid sizes (one inside the last-level cache,
// one far beyond it) and the suites that pick (shape, dtype, size) rows from
// the catalog. Every implementation of a picked row runs, so each table row
// compares all of them.
#pragma once

#include "stencilforge/catalog.h"

#include <cstdint>
#include <string>
#include <vector>

namespace stencilforge::bench {

struct Size {
    const char *name;  // "small" or "large"
    std::vector<std::int64_t> extent2d, extent3d;
    std::vector<std::int64_t> extent(int dims) const { return dims == 2 ? extent2d : extent3d; }
};

const std::vector<Size> &sizes();

struct Suite {
    struct Row {
        std::string shape, dtype, size;
    };
    std::vector<Row> rows;  // empty: every shape and dtype at every size
    bool includes(const VariantInfo &v, const Size &size) const;
};

// "representative" (the main job, a few minutes) or "full" (everything).
const Suite &suite(const std::string &name);

}  // namespace stencilforge::bench
