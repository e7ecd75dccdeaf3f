// Entry point of the hand-written CPU baseline, with the same signature as a
// generated Halide kernel so the catalog treats both alike. Dispatches to the
// AVX-512 or AVX2 build of the loop nest (stencil_omp_kernel.h) by the active ISA.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/cpu.h"
#include "stencilforge/shape.h"

#include <cstdint>

namespace stencilforge::handwritten {

#define SF_DECLARE_OMP_KERNEL(isa)                                                                      \
    namespace isa {                                                                                     \
    template <Pattern P, int R, int D, typename T>                                                      \
    void omp_kernel(const T *in, T *out, std::int64_t nx, std::int64_t ny, std::int64_t nz, const T *c); \
    }
SF_DECLARE_OMP_KERNEL(avx2)
SF_DECLARE_OMP_KERNEL(avx512)
#undef SF_DECLARE_OMP_KERNEL

template <Pattern P, int R, int D, typename T>
int omp(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out) {
    // The loop nest assumes whole, dense, same-shape grids (what run() passes);
    // anything else is refused rather than computed wrongly.
    for (int d = 0; d < D; ++d) {
        if (in->dim[d].min != 0 || out->dim[d].min != 0 || in->dim[d].extent != out->dim[d].extent) {
            return halide_error_code_bad_dimensions;
        }
    }
    const std::int64_t nx = in->dim[0].extent, ny = in->dim[1].extent, nz = D == 3 ? in->dim[2].extent : 1;
    const auto *src = reinterpret_cast<const T *>(in->host);
    auto *dst = reinterpret_cast<T *>(out->host);
    const auto *c = reinterpret_cast<const T *>(coeffs->host);
    if (active_cpu_isa() == CpuIsa::avx512) {
        avx512::omp_kernel<P, R, D, T>(src, dst, nx, ny, nz, c);
    } else {
        avx2::omp_kernel<P, R, D, T>(src, dst, nx, ny, nz, c);
    }
    return 0;
}

}  // namespace stencilforge::handwritten
