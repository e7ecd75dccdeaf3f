// Internal: which CUDA context and stream every CUDA kernel of this thread
// uses, Halide's and the hand-written ones alike. Halide's CUDA runtime is
// pointed here (halide_set_cuda_acquire_context / _get_stream), so a
// Halide kernel, a hand-written kernel launched through the CUDA runtime API
// and the caller's own work all share one context and one stream, and device
// pointers move between them freely.
#pragma once

#include <string>
#include <utility>

namespace stencilforge::detail {

// Installs the Halide handlers (once). Call before any CUDA kernel.
void use_shared_cuda_context();
// The scope's context, or else device 0's primary context (the one the CUDA
// runtime API uses); nullptr with the driver's error in `why` if none.
void *cuda_context(const char **why = nullptr);
// The scope's stream; nullptr means the context's default stream.
void *cuda_stream();

// Makes the current context current on this thread for its lifetime (the
// CUDA runtime API launches into whatever context is current).
class CudaContextGuard {
public:
    CudaContextGuard();
    ~CudaContextGuard();
    bool ok() const { return ok_; }
    CudaContextGuard(const CudaContextGuard &) = delete;
    CudaContextGuard &operator=(const CudaContextGuard &) = delete;

private:
    bool ok_ = false;
};

// Blocks until the current stream's work is done; a nonzero CUresult on failure.
int cuda_synchronize();
// Blocks until all work in the current context is done, whatever stream it
// went to (Halide's own copies included); a nonzero CUresult on failure.
int cuda_context_synchronize();
// STENCILFORGE_CUDA_SYNC=1 (a debug mode): run() waits for every CUDA kernel
// right after it, so a fault is reported by the kernel that made it rather
// than by a later call that finds the context's sticky error.
bool cuda_sync_each_kernel();
// Copies `bytes` between device pointers on the current stream and waits for it.
int cuda_copy(void *dst, const void *src, unsigned long long bytes);
// Whether `p` is memory the CUDA driver knows as device (or managed) memory.
bool is_cuda_device_pointer(const void *p);
// The device allocation holding `p`: (start address, size in bytes); (0, 0)
// when the driver cannot say (then only is_cuda_device_pointer() is checked).
std::pair<unsigned long long, unsigned long long> device_allocation(const void *p);

// What every run_on_device() entry checks before anything runs, as Errors
// naming `variant`: that it is a CUDA variant and this machine has a CUDA
// device (else `what` -- "grids", "tensors" -- goes to run()), and that the
// non-null `in` and `out` are CUDA device memory large enough for them.
void require_cuda_variant(const std::string &variant, const std::string &device, const char *what);
// `in` and `out` are (pointer, bytes): each must lie inside one device
// allocation that holds all of its bytes (cuPointerGetAttribute's range).
struct DeviceRange {
    const void *data;
    unsigned long long bytes;
};
void require_device_memory(const std::string &variant, DeviceRange in, DeviceRange out);

}  // namespace stencilforge::detail
