// The glue between the catalog's kernel signature and the Kokkos code:
// initializes Kokkos on first use, wraps the caller's grids in Views (copying
// to the execution space's memory when that is not host memory), builds the
// point expression and hands it to the policy type. Included by the generated
// per-policy translation units only, after the policy's header.
#pragma once

#include "grid_ref.hpp"
#include "kokkos_kernel.h"
#include "stencil_point.hpp"

namespace stencilforge::kokkos {

// Kokkos::initialize once per process, with the OpenMP thread count in force
// at the first call (set_num_threads() before the first run to change it).
void ensure_initialized();

template <class Policy, Pattern P, int R, int D, typename T, int Depth>
int kokkos_entry(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out) {
    // Whole, dense, same-shape grids only (what run() passes).
    for (int d = 0; d < D; ++d) {
        if (in->dim[d].min != 0 || out->dim[d].min != 0 || in->dim[d].extent != out->dim[d].extent) {
            return halide_error_code_bad_dimensions;
        }
    }
    ensure_initialized();
    const std::int64_t nx = in->dim[0].extent, ny = in->dim[1].extent, nz = D == 3 ? in->dim[2].extent : 1;
    const std::size_t cells = static_cast<std::size_t>(nx * ny * nz);
    using Host = Kokkos::View<T *, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
    const Host host_in(reinterpret_cast<T *>(in->host), cells), host_out(reinterpret_cast<T *>(out->host), cells);
    // No copies where the execution space reads host memory (OpenMP, Serial).
    auto dev_in = Kokkos::create_mirror_view_and_copy(Exec::memory_space(), host_in);
    auto dev_out = Kokkos::create_mirror_view(Exec::memory_space(), host_out);

    StencilPoint<P, R, D, T> point{};
    const auto *c = reinterpret_cast<const T *>(coeffs->host);
    for (int j = 0; j < point.count; ++j) point.c[j] = c[j];
    point.nx = nx, point.ny = ny, point.nz = nz;
    const GridRef<const T> src{dev_in, nx, ny, nz};
    const GridRef<T> dst{dev_out, nx, ny, nz};
    Policy::template pass<D, R, Depth>(point, src, dst);
    Kokkos::fence();
    Kokkos::deep_copy(host_out, dev_out);
    return 0;
}

}  // namespace stencilforge::kokkos
