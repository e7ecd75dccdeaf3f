// The CUDA context and stream behind cuda_context.h and CudaScope. The driver
// API is loaded with dlopen, like the device probe, so the library still runs
// its host variants where no CUDA driver is installed.
#include "cuda_context.h"

#include "HalideRuntime.h"
#include "HalideRuntimeCuda.h"
#include "stencilforge/cuda.h"
#include "stencilforge/devices.h"
#include "stencilforge/error.h"

#include <dlfcn.h>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <mutex>

namespace stencilforge {

namespace {

thread_local CudaExecution t_execution;

// The few driver entry points this file needs (CUresult is an int).
struct Driver {
    int (*init)(unsigned) = nullptr;
    int (*device_get)(int *, int) = nullptr;
    int (*primary_retain)(void **, int) = nullptr;
    int (*push)(void *) = nullptr;
    int (*pop)(void **) = nullptr;
    int (*stream_sync)(void *) = nullptr;
    int (*context_sync)() = nullptr;
    int (*pointer_attribute)(void *, int, unsigned long long) = nullptr;
    int (*copy_async)(unsigned long long, unsigned long long, std::size_t, void *) = nullptr;
    void *primary = nullptr;  // device 0's primary context, retained for the process
    const char *why = "no CUDA driver (libcuda.so.1)";
};

template <typename F>
bool load(void *lib, F &fn, const char *name) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    return fn != nullptr;
}

const Driver &driver() {
    static const Driver d = [] {
        Driver d;
        void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) return d;
        if (!load(lib, d.init, "cuInit") || !load(lib, d.device_get, "cuDeviceGet") ||
            !load(lib, d.primary_retain, "cuDevicePrimaryCtxRetain") || !load(lib, d.push, "cuCtxPushCurrent_v2") ||
            !load(lib, d.pop, "cuCtxPopCurrent_v2") || !load(lib, d.stream_sync, "cuStreamSynchronize") ||
            !load(lib, d.context_sync, "cuCtxSynchronize") ||
            !load(lib, d.pointer_attribute, "cuPointerGetAttribute") ||
            !load(lib, d.copy_async, "cuMemcpyDtoDAsync_v2")) {
            d.why = "the CUDA driver lacks an entry point stencilforge needs";
            return d;
        }
        int device = 0;
        if (d.init(0) != 0 || d.device_get(&device, 0) != 0) {
            d.why = "the CUDA driver found no usable GPU";
            return d;
        }
        if (d.primary_retain(&d.primary, device) != 0) {
            d.why = "cuDevicePrimaryCtxRetain failed on device 0";
            d.primary = nullptr;
        }
        return d;
    }();
    return d;
}

// Halide's CUDA runtime asks these for its context and stream.
int acquire_context(void *, void **ctx, bool) {
    const char *why = nullptr;
    *ctx = detail::cuda_context(&why);
    if (*ctx) return halide_error_code_success;
    halide_error(nullptr, why);
    return halide_error_code_generic_error;
}
int release_context(void *) { return halide_error_code_success; }
int get_stream(void *, void *, void **stream) {
    *stream = detail::cuda_stream();
    return halide_error_code_success;
}

}  // namespace

CudaScope::CudaScope(CudaExecution execution) : previous_(t_execution) { t_execution = execution; }
CudaScope::~CudaScope() { t_execution = previous_; }

namespace detail {

void use_shared_cuda_context() {
    static std::once_flag once;
    std::call_once(once, [] {
        halide_set_cuda_acquire_context(acquire_context);
        halide_set_cuda_release_context(release_context);
        halide_set_cuda_get_stream(get_stream);
        // Device allocations freed by Halide (scratch grids, intermediates,
        // the hand-written kernels' outputs) go to a cache and are reused by
        // the next call of the same size, instead of a cuMemFree/cuMemAlloc
        // pair per call inside a caller's time loop (or a benchmark's).
        halide_reuse_device_allocations(nullptr, true);
    });
}

void *cuda_context(const char **why) {
    if (t_execution.context) return t_execution.context;
    const Driver &d = driver();
    if (!d.primary && why) *why = d.why;
    return d.primary;
}

void *cuda_stream() { return t_execution.stream; }

CudaContextGuard::CudaContextGuard() {
    void *ctx = cuda_context();
    ok_ = ctx && driver().push(ctx) == 0;
}

CudaContextGuard::~CudaContextGuard() {
    if (!ok_) return;
    void *popped = nullptr;
    driver().pop(&popped);
}

int cuda_synchronize() {
    CudaContextGuard guard;
    if (!guard.ok()) return -1;
    return driver().stream_sync(cuda_stream());
}

bool cuda_sync_each_kernel() {
    static const bool on = [] {
        const char *v = std::getenv("STENCILFORGE_CUDA_SYNC");
        return v && *v && std::string(v) != "0";
    }();
    return on;
}

int cuda_context_synchronize() {
    CudaContextGuard guard;
    if (!guard.ok()) return -1;
    return driver().context_sync();
}

int cuda_copy(void *dst, const void *src, unsigned long long bytes) {
    CudaContextGuard guard;
    if (!guard.ok()) return -1;
    if (const int rc = driver().copy_async(reinterpret_cast<unsigned long long>(dst),
                                           reinterpret_cast<unsigned long long>(src), bytes, cuda_stream());
        rc != 0) {
        return rc;
    }
    return driver().stream_sync(cuda_stream());
}

bool is_cuda_device_pointer(const void *p) {
    const Driver &d = driver();
    if (!d.pointer_attribute || !p) return false;
    CudaContextGuard guard;
    unsigned memory_type = 0;
    constexpr int kMemoryType = 2;  // CU_POINTER_ATTRIBUTE_MEMORY_TYPE
    if (d.pointer_attribute(&memory_type, kMemoryType, reinterpret_cast<unsigned long long>(p)) != 0) return false;
    return memory_type == 2 || memory_type == 4;  // CU_MEMORYTYPE_DEVICE, CU_MEMORYTYPE_UNIFIED
}

std::pair<unsigned long long, unsigned long long> device_allocation(const void *p) {
    const Driver &d = driver();
    if (!d.pointer_attribute || !p) return {0, 0};
    CudaContextGuard guard;
    constexpr int kRangeStart = 11, kRangeSize = 12;  // CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, _RANGE_SIZE
    unsigned long long start = 0;
    std::size_t size = 0;
    const auto at = reinterpret_cast<unsigned long long>(p);
    if (d.pointer_attribute(&start, kRangeStart, at) != 0 || d.pointer_attribute(&size, kRangeSize, at) != 0) {
        return {0, 0};
    }
    return {start, size};
}

void require_cuda_variant(const std::string &variant, const std::string &device, const char *what) {
    const std::string k = "kernel '" + variant + "': ";
    if (device != "cuda") {
        throw Error(k + "run_on_device() runs CUDA variants on device memory; this one runs on the " + device +
                    " (use run() with host " + what + ")");
    }
    if (!device_available("cuda")) {
        throw Error(k + "needs a CUDA device and this machine has none (" + describe_devices() + ")");
    }
}

void require_device_memory(const std::string &variant, DeviceRange in, DeviceRange out) {
    for (int i = 0; i < 2; ++i) {
        const DeviceRange &r = i == 0 ? in : out;
        const char *which = i == 0 ? "the input" : "the output";
        if (!r.data) continue;
        if (!is_cuda_device_pointer(r.data)) {
            throw Error("kernel '" + variant + "': run_on_device() takes CUDA device memory (cudaMalloc, cuMemAlloc, " +
                        "cudaMallocManaged); " + which + " is not (host memory goes to run())");
        }
        const auto [start, size] = device_allocation(r.data);
        const auto p = reinterpret_cast<unsigned long long>(r.data);
        if (size != 0 && p - start + r.bytes > size) {
            throw Error("kernel '" + variant + "': " + which + " needs " + std::to_string(r.bytes) +
                        " bytes of device memory but its allocation holds " + std::to_string(size - (p - start)) +
                        " from that pointer on");
        }
    }
}

}  // namespace detail

void release_cuda_cache() {
    if (device_available("cuda")) halide_cuda_release_unused_device_allocations(nullptr);
}

}  // namespace stencilforge
