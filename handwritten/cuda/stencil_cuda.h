// The hand-written CUDA stencils as the runtime's kernel table sees them: one
// function template with a Halide pipeline's signature, its schedule a type,
// instantiated (by nvcc, in a unit tools/sfcatalog generates per schedule)
// for each catalog variant.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/shape.h"

namespace stencilforge::handwritten {

// `Schedule` is a type in stencilforge::handwritten::cuda (stencil_launch.cuh,
// tensorcore/stencil_tc_launch.cuh) that the catalog row names as its policy.
template <class Schedule, Pattern P, int R, int D, typename T, int Depth>
int cuda_entry(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);

}  // namespace stencilforge::handwritten
