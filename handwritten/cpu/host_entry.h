// The uniform entry of the hand-written CPU engines: host_entry<Policy, ...>
// has a Halide pipeline's signature, so the catalog treats these kernels like
// generated ones. It checks the grids and dispatches to the AVX-512 or AVX2
// build of the policy's loop nest by the active ISA. A policy is one header
// (omp_loop.h is the model) plus catalog rows naming it; the build compiles
// its generated unit once per ISA.
#pragma once

#include "HalideRuntime.h"
#include "stencilforge/cpu.h"
#include "stencilforge/shape.h"

#include <cstdint>

namespace stencilforge::handwritten {

// One pass over whole, dense, same-shape grids, x fastest.
template <typename T>
struct HostGrids {
    const T *in;
    T *out;
    std::int64_t nx, ny, nz;  // nz = 1 in 2D
    const T *coefficients;    // in VariantInfo::offsets() order
};

// Defined per ISA build (host_isa.h) for each policy the catalog instantiates:
// `Depth` steps of the stencil (P, R, D) from g.in to g.out.
#define SF_DECLARE_HOST_PASS(isa)                                              \
    namespace isa {                                                            \
    template <class Policy, Pattern P, int R, int D, typename T, int Depth>    \
    void host_pass(const HostGrids<T> &g);                                     \
    }
SF_DECLARE_HOST_PASS(avx2)
SF_DECLARE_HOST_PASS(avx512)
#undef SF_DECLARE_HOST_PASS

template <class Policy, Pattern P, int R, int D, typename T, int Depth>
int host_entry(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out) {
    // The loop nests assume whole, dense, same-shape grids (what run() passes);
    // anything else is refused rather than computed wrongly.
    for (int d = 0; d < D; ++d) {
        if (in->dim[d].min != 0 || out->dim[d].min != 0 || in->dim[d].extent != out->dim[d].extent) {
            return halide_error_code_bad_dimensions;
        }
    }
    const HostGrids<T> g{reinterpret_cast<const T *>(in->host), reinterpret_cast<T *>(out->host), in->dim[0].extent,
                         in->dim[1].extent, D == 3 ? in->dim[2].extent : 1,
                         reinterpret_cast<const T *>(coeffs->host)};
    if (active_cpu_isa() == CpuIsa::avx512) {
        avx512::host_pass<Policy, P, R, D, T, Depth>(g);
    } else {
        avx2::host_pass<Policy, P, R, D, T, Depth>(g);
    }
    return 0;
}

}  // namespace stencilforge::handwritten
