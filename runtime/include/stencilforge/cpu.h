// CPU controls: which instruction set the kernels use and how many threads.
#pragma once

#include <string>

namespace stencilforge {

enum class CpuIsa { avx2, avx512 };

std::string to_string(CpuIsa isa);

CpuIsa detected_cpu_isa();  // best set this CPU has (AVX2+FMA is required)

// Kernels use at most `max` (e.g. to run the AVX2 build on an AVX-512 CPU).
// Process-wide, and only before the first run(): each Halide kernel picks its
// build on first call and keeps it, so a later change throws Error. The
// environment variable STENCILFORGE_CPU_ISA=avx2|avx512 sets the same limit.
void limit_cpu_isa(CpuIsa max);
CpuIsa active_cpu_isa();  // what kernels use: min(detected, limit)

// Threads used by Halide kernels and the OpenMP baselines alike.
void set_num_threads(int threads);
int num_threads();

}  // namespace stencilforge
