// Internal: what run() says when a variant scheduled by a Halide
// autoscheduler refuses a grid, in the user's terms (the dimension, the
// extent its tiles need, the grid it was planned for) instead of Halide's
// buffer-bounds message; and a memory of refused shapes, so a shape refused
// once is refused up front, before Halide is called.
#pragma once

#include "stencilforge/catalog.h"

#include <cstdint>
#include <string>

namespace stencilforge::detail {

// Throws the recorded Error when `grid` was refused by `v` before (same CPU ISA).
void require_autoscheduled_grid(const std::string &label, const VariantInfo &v, const ConstGridView &grid);

// The Error message for `v` refusing `grid` with Halide's bounds-check
// message `halide_message`; remembered for require_autoscheduled_grid().
std::string autoscheduled_refusal(const std::string &label, const VariantInfo &v, const ConstGridView &grid,
                                  const std::string &halide_message);

}  // namespace stencilforge::detail
