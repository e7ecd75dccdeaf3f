// The hand-written CUDA convolutions as the runtime's conv table sees them:
// the Halide pipelines' signatures (filter: in, taps, value, out; layer: in,
// weights, bias, pad, relu, out), instantiated by nvcc (filter_cuda.cu,
// conv_tc.cu) for each catalog variant.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/conv.h"
#include "tensorcore/precision.h"

#include <cstdint>

namespace stencilforge::handwritten {

// K x K image filter (filter2d): one thread per pixel, taps from device memory
// (naive) or from the block's tile in shared memory (smem).
enum class FilterSchedule { naive, smem };
template <FilterSchedule S, Boundary B>
int cuda_filter2d(halide_buffer_t *in, halide_buffer_t *taps, float value, halide_buffer_t *out);

// Implicit-GEMM layer on tensor cores, products in `P`, accumulation in f32.
template <tensorcore::Precision P, int Stride>
int conv_tc(halide_buffer_t *in, halide_buffer_t *weights, halide_buffer_t *bias, std::int32_t pad, bool relu,
            halide_buffer_t *out);

}  // namespace stencilforge::handwritten
