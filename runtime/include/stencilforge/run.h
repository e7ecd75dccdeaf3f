// Running a kernel: run() applies `steps` stencil steps to `in` and writes the
// result to `out`, validating everything before it touches the caller's memory.
#pragma once

#include "stencilforge/catalog.h"
#include "stencilforge/grid.h"

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace stencilforge {

// Every error the library reports: bad input (checked before anything is
// written) and failures inside a kernel.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Applies `steps` >= 0 steps of `variant` to `in`, result in `out`.
// `in` is never written. `out` must have in's dtype and extents and must not
// overlap `in`. `coefficients` holds one weight per offset, in the order of
// VariantInfo::offsets(). With steps == 0, out becomes a copy of in.
// Passes that do not end in `out` use a scratch grid the library allocates.
void run(std::string_view variant, ConstGridView in, GridView out, int steps,
         std::span<const double> coefficients);

}  // namespace stencilforge
