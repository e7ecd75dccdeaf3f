// The hand-written CUDA stencils as the runtime's kernel table sees them:
// one function template per schedule with a Halide pipeline's signature,
// instantiated (by nvcc, in the schedule's .cu file) for each catalog variant.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/shape.h"

namespace stencilforge::handwritten {

template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_naive(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_smem(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_stream25d(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_temporal(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_tc_dmma(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
template <Pattern P, int R, int D, typename T, int Depth>
int cuda_hw_tc_tf32(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);

}  // namespace stencilforge::handwritten
