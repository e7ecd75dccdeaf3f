// Entry point of the Kokkos variants, with a Halide pipeline's signature so
// the catalog treats them like every other kernel. Declared without Kokkos
// headers: the instantiations live in kokkos_<policy>.cpp, generated from the
// catalog by kokkos/CMakeLists.txt.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/shape.h"

namespace stencilforge::kokkos {

enum class Policy { flat, tiled, temporal };

// One pass: `Depth` steps of the stencil (P, R, D) in type T from `in` to `out`.
template <Policy Pol, Pattern P, int R, int D, typename T, int Depth>
int stencil(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);

}  // namespace stencilforge::kokkos
