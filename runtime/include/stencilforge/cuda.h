// CUDA execution on caller-owned memory and streams. run() takes host grids
// and copies them in and out; run_on_device() takes grids that already live
// in device memory (cudaMalloc / cuMemAlloc pointers), copies nothing, and
// runs in the context and on the stream a CudaScope names. See docs/gpu.md.
#pragma once

#include "stencilforge/grid.h"
#include "stencilforge/run.h"

#include <span>
#include <string_view>

namespace stencilforge {

// Handles as void * so this header needs no CUDA headers: a CUcontext and a
// CUstream (a cudaStream_t is the same pointer).
struct CudaExecution {
    void *context = nullptr;  // nullptr: device 0's primary context (the CUDA runtime API's)
    void *stream = nullptr;   // nullptr: the context's default stream
};

// While alive, every CUDA kernel this thread runs (through run() or
// run_on_device()) uses `execution`. Scopes nest; the innermost wins.
class CudaScope {
public:
    explicit CudaScope(CudaExecution execution);
    ~CudaScope();
    CudaScope(const CudaScope &) = delete;
    CudaScope &operator=(const CudaScope &) = delete;

private:
    CudaExecution previous_;
};

// Runs a CUDA variant (VariantInfo::device == "cuda") `steps` times on grids
// in device memory; `in` is read, `out` gets the result, nothing is copied to
// or from the host. Scratch grids for the intermediate passes (and Halide's
// own intermediate buffers) come from a cache of device allocations that the
// runtime keeps across calls, so a time loop allocates nothing after its
// first call; release_cuda_cache() gives that memory back. Returns once the
// result is in `out` (the stream is synchronized), so the caller may read it
// from any stream. Throws Error for a host or OpenCL variant, pointers that
// are not CUDA device memory, and everything run() refuses.
void run_on_device(std::string_view name, ConstGridView in, GridView out, int steps,
                   std::span<const double> coefficients);

// Frees the device allocations the runtime keeps for reuse (scratch grids,
// Halide intermediates) that no live buffer holds. Safe to call at any time.
void release_cuda_cache();

}  // namespace stencilforge
