// The hand-written CUDA convolution layers as the runtime's conv table sees
// them: a Halide layer pipeline's signature (in, weights, bias, pad, relu,
// out), instantiated by nvcc in conv_tc.cu for each catalog variant.
#pragma once

#include "HalideRuntime.h"
#include "tensorcore/precision.h"

#include <cstdint>

namespace stencilforge::handwritten {

// Implicit-GEMM layer on tensor cores, products in `P`, accumulation in f32.
template <tensorcore::Precision P, int Stride>
int conv_tc(halide_buffer_t *in, halide_buffer_t *weights, halide_buffer_t *bias, std::int32_t pad, bool relu,
            halide_buffer_t *out);

}  // namespace stencilforge::handwritten
