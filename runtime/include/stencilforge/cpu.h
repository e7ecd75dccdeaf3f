// CPU controls: which instruction set the kernels use and how many threads.
#pragma once

#include <string>

namespace stencilforge {

enum class CpuIsa { avx2, avx512 };

std::string to_string(CpuIsa isa);

CpuIsa detected_cpu_isa();       // best set this CPU has (AVX2+FMA is required)
void limit_cpu_isa(CpuIsa max);  // kernels use at most `max` (e.g. to test the AVX2 path)
CpuIsa active_cpu_isa();         // what kernels use now: min(detected, limit)

// Threads used by Halide kernels and the OpenMP baselines alike.
void set_num_threads(int threads);
int num_threads();

}  // namespace stencilforge
