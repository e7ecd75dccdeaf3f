// Device level, host side: each schedule's launch geometry (one place per
// schedule, templated, never per shape) and the adapter that gives every
// hand-written kernel a Halide pipeline's signature, so the runtime treats
// it like any other catalog variant: device allocation and the host/device
// copies go through Halide's device interface (the same lazy-copy rules as
// the Halide CUDA kernels), the launch goes to the scope's context and stream.
#pragma once

#include "device_buffers.cuh"
#include "stencil_cuda.h"
#include "stencil_kernels.cuh"

namespace stencilforge::handwritten::cuda {

template <typename T, Pattern P, int R, int D>
struct Launch {
    const T *in;
    T *out;
    Extent e;
    Coefficients<T, kTaps<P, R, D>> c;
    cudaStream_t stream;
};

inline unsigned blocks_for(int n, int per_block) { return static_cast<unsigned>((n + per_block - 1) / per_block); }

struct NaiveSchedule {
    template <Pattern P, int R, int D, typename T, int Depth>
    static cudaError_t launch(const Launch<T, P, R, D> &a) {
        using B = std::conditional_t<D == 2, Block<32, 8>, Block<32, 4, 2>>;
        const dim3 grid(blocks_for(a.e.nx, B::x), blocks_for(a.e.ny, B::y), blocks_for(a.e.nz, B::z));
        naive_step<P, R, D, T><<<grid, dim3(B::x, B::y, B::z), 0, a.stream>>>(a.in, a.out, a.e, a.c);
        return cudaGetLastError();
    }
};

struct SmemSchedule {
    template <Pattern P, int R, int D, typename T, int Depth>
    static cudaError_t launch(const Launch<T, P, R, D> &a) {
        using B = std::conditional_t<D == 2, Block<32, 8>, Block<32, 4, 4>>;
        const dim3 grid(blocks_for(a.e.nx, B::x), blocks_for(a.e.ny, B::y), blocks_for(a.e.nz, B::z));
        smem_step<P, R, D, T, B><<<grid, dim3(B::x, B::y, B::z), 0, a.stream>>>(a.in, a.out, a.e, a.c);
        return cudaGetLastError();
    }
};

struct Stream25dSchedule {
    template <Pattern P, int R, int D, typename T, int Depth>
    static cudaError_t launch(const Launch<T, P, R, D> &a) {
        static_assert(D == 3, "stream25d streams along z");
        using B = Block<32, 8>;
        constexpr int column = 64;
        const dim3 grid(blocks_for(a.e.nx, B::x), blocks_for(a.e.ny, B::y), blocks_for(a.e.nz, column));
        stream25d_step<P, R, T, B, column><<<grid, dim3(B::x, B::y), 0, a.stream>>>(a.in, a.out, a.e, a.c);
        return cudaGetLastError();
    }
};

struct TemporalSchedule {
    // 2D: a 128 x 64 tile (512 threads, 16 cells each): 32 KiB (f32) or
    // 64 KiB (f64) of shared memory. 3D: a 32 x 32 tile walking 64 planes,
    // Depth rings of 2r+1 planes: up to 96 KiB (f64, Depth 4).
    template <Pattern P, int R, int D, typename T, int Depth>
    static cudaError_t launch(const Launch<T, P, R, D> &a) {
        constexpr int H = R * Depth;
        if constexpr (D == 2) {
            using Tile = TemporalTile<128, 4, 16>;
            constexpr std::size_t bytes = sizeof(T) * Tile::x * Tile::y;
            const dim3 grid(blocks_for(a.e.nx, Tile::x - 2 * H), blocks_for(a.e.ny, Tile::y - 2 * H));
            return start(temporal_steps<P, R, T, Depth, Tile>, grid, dim3(Tile::x, Tile::threads / Tile::x), bytes, a);
        } else {
            using Tile = Temporal3dTile<32, 32, 64>;
            constexpr std::size_t bytes = sizeof(T) * Depth * (2 * R + 1) * Tile::x * Tile::y;
            const dim3 grid(blocks_for(a.e.nx, Tile::x - 2 * H), blocks_for(a.e.ny, Tile::y - 2 * H),
                            blocks_for(a.e.nz, Tile::column));
            return start(temporal3d_steps<P, R, T, Depth, Tile>, grid, dim3(Tile::x, Tile::y), bytes, a);
        }
    }

    // Past 48 KiB of shared memory a kernel must opt in before its launch.
    template <typename Kernel, typename T, Pattern P, int R, int D>
    static cudaError_t start(Kernel kernel, dim3 grid, dim3 block, std::size_t bytes, const Launch<T, P, R, D> &a) {
        if (cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                   static_cast<int>(bytes));
            err != cudaSuccess) {
            return err;
        }
        kernel<<<grid, block, bytes, a.stream>>>(a.in, a.out, a.e, a.c);
        return cudaGetLastError();
    }
};

// A catalog kernel: in, coefficients (host memory) and out as Halide buffers.
template <class Schedule, Pattern P, int R, int D, typename T, int Depth>
int run_kernel(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out) {
    detail::CudaContextGuard guard;
    if (!guard.ok()) return no_context();
    int rc = 0;
    const T *src = on_device<T>(in, false, rc);
    if (!src) return rc;
    T *dst = on_device<T>(out, true, rc);
    if (!dst) return rc;
    Launch<T, P, R, D> a{};
    a.e = Extent{in->dim[0].extent, in->dim[1].extent, D == 3 ? in->dim[2].extent : 1, in->dim[1].stride,
                 D == 3 ? in->dim[2].stride : 0};
    for (int d = 0; d < D; ++d) {
        if (out->dim[d].extent != in->dim[d].extent || out->dim[d].stride != in->dim[d].stride) {
            halide_error(nullptr, "hand-written CUDA kernel: in and out differ in shape or layout");
            return halide_error_code_bad_dimensions;
        }
    }
    const T *weights = reinterpret_cast<const T *>(coeffs->host);
    for (int j = 0; j < kTaps<P, R, D>; ++j) a.c.c[j] = weights[j];
    a.in = src;
    a.out = dst;
    a.stream = static_cast<cudaStream_t>(detail::cuda_stream());
    // cudaGetLastError() after a launch also returns an error left by earlier
    // work; take that first, so this kernel is blamed only for its own launch.
    if (cudaError_t earlier = cudaGetLastError(); earlier != cudaSuccess) {
        return kernel_failed("an earlier CUDA call had failed before this launch", earlier);
    }
    if (cudaError_t err = Schedule::template launch<P, R, D, T, Depth>(a); err != cudaSuccess) {
        return kernel_failed("launch", err);
    }
    out->set_device_dirty(true);
    return halide_error_code_success;
}

}  // namespace stencilforge::handwritten::cuda

// The catalog's uniform entry (stencil_cuda.h): a schedule is a type with a
// static launch<P, R, D, T, Depth>(Launch &); tools/sfcatalog generates one
// unit per schedule that instantiates this for the catalog's variants.
namespace stencilforge::handwritten {
template <class Schedule, Pattern P, int R, int D, typename T, int Depth>
int cuda_entry(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out) {
    return cuda::run_kernel<Schedule, P, R, D, T, Depth>(in, coeffs, out);
}
}  // namespace stencilforge::handwritten
