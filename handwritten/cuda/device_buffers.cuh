// Device level, host side: a Halide buffer as a hand-written kernel needs it.
// Allocation and host/device copies go through Halide's CUDA device
// interface, so hand-written kernels follow the Halide kernels' lazy-copy
// rules (an input is copied only when its host side is dirty; an output is
// left device-dirty) and chain with them in one plan.
#pragma once

#include "HalideRuntime.h"
#include "HalideRuntimeCuda.h"
#include "cuda_context.h"

#include <cuda_runtime.h>

#include <string>

namespace stencilforge::handwritten::cuda {

// `b` valid on the device: an input copied there if its host side is dirty,
// an output allocated if it has no device memory yet. Its device pointer, or
// nullptr with the Halide error code in `rc`.
template <typename T>
T *on_device(halide_buffer_t *b, bool output, int &rc) {
    const halide_device_interface_t *cuda = halide_cuda_device_interface();
    rc = output ? (b->device ? 0 : halide_device_malloc(nullptr, b, cuda)) : halide_copy_to_device(nullptr, b, cuda);
    return rc == 0 ? reinterpret_cast<T *>(halide_cuda_get_device_ptr(nullptr, b)) : nullptr;
}

inline int kernel_failed(const char *what, cudaError_t err) {
    const std::string msg = std::string("hand-written CUDA kernel: ") + what + ": " + cudaGetErrorString(err);
    halide_error(nullptr, msg.c_str());
    return halide_error_code_device_run_failed;
}

inline int no_context() {
    halide_error(nullptr, "hand-written CUDA kernel: no CUDA context (see stencilforge::describe_devices())");
    return halide_error_code_generic_error;
}

}  // namespace stencilforge::handwritten::cuda
