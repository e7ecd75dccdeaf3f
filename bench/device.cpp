// The GPU side of the benchmarks through the CUDA runtime API (device.h).
#include "device.h"

#ifdef SF_HAVE_CUDA_RUNTIME
#include <cuda_runtime.h>
#endif

#include <algorithm>

namespace stencilforge::bench {

#ifdef SF_HAVE_CUDA_RUNTIME

double measure_device_copy_bandwidth(std::size_t bytes, int trials) {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) return 0;
    void *a = nullptr, *b = nullptr;
    if (cudaMalloc(&a, bytes) != cudaSuccess || cudaMalloc(&b, bytes) != cudaSuccess) {
        cudaFree(a);
        return 0;
    }
    cudaMemset(a, 1, bytes);
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    float best_ms = 0;
    for (int t = 0; t <= trials; ++t) {  // trial 0 warms up
        cudaEventRecord(start);
        cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
        cudaEventRecord(stop);
        cudaEventSynchronize(stop);
        float ms = 0;
        cudaEventElapsedTime(&ms, start, stop);
        if (t > 0 && (best_ms == 0 || ms < best_ms)) best_ms = ms;
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaFree(a);
    cudaFree(b);
    return best_ms > 0 ? 2.0 * static_cast<double>(bytes) / (best_ms * 1e-3) : 0;
}

void *device_grid(int slot, std::size_t bytes) {
    static void *grid[2] = {nullptr, nullptr};
    static std::size_t size[2] = {0, 0};
    if (size[slot] < bytes) {
        cudaFree(grid[slot]);
        grid[slot] = nullptr;
        size[slot] = 0;
        if (cudaMalloc(&grid[slot], bytes) != cudaSuccess) return nullptr;
        size[slot] = bytes;
    }
    return grid[slot];
}

bool copy_to_device(void *device, const void *host, std::size_t bytes) {
    return cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice) == cudaSuccess;
}

bool copy_to_host(void *host, const void *device, std::size_t bytes) {
    return cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost) == cudaSuccess;
}

DeviceArray::DeviceArray(std::size_t bytes) {
    if (cudaMalloc(&p_, bytes) != cudaSuccess) p_ = nullptr;
}
DeviceArray::~DeviceArray() { cudaFree(p_); }

#else

double measure_device_copy_bandwidth(std::size_t, int) { return 0; }
void *device_grid(int, std::size_t) { return nullptr; }
bool copy_to_device(void *, const void *, std::size_t) { return false; }
bool copy_to_host(void *, const void *, std::size_t) { return false; }
DeviceArray::DeviceArray(std::size_t) {}
DeviceArray::~DeviceArray() = default;

#endif

}  // namespace stencilforge::bench
