// Entry point of the Kokkos variants, with a Halide pipeline's signature so
// the catalog treats them like every other kernel. Declared without Kokkos
// headers: the instantiations live in kokkos_<Policy>.cpp, generated from the
// catalog by tools/sfcatalog. A policy is a type (policies/) with a static
// `pass<D, R, Depth>(point, in, out)`; a new one is one header plus catalog rows.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/shape.h"

namespace stencilforge::kokkos {

// One pass: `Depth` steps of the stencil (P, R, D) in type T from `in` to `out`.
template <class Policy, Pattern P, int R, int D, typename T, int Depth>
int kokkos_entry(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);

}  // namespace stencilforge::kokkos
