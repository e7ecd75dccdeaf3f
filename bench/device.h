// The GPU side of the benchmarks: the GPU's own memory roof, measured in the
// same run as its kernels (device-to-device copy bandwidth, cudaMemcpy over
// arrays far beyond the L2), and device memory for device-resident rows.
#pragma once

#include <cstddef>

namespace stencilforge::bench {

// Bytes per second, counting each byte read and written (2 x the array) as
// STREAM counts a copy; best of `trials` after a warm-up. 0 without a CUDA
// device or without the CUDA runtime in this build.
double measure_device_copy_bandwidth(std::size_t bytes_per_array, int trials);

// Device memory for a benchmark's grids, kept from one benchmark to the next
// (slot 0 or 1); nullptr when it cannot be had.
void *device_grid(int slot, std::size_t bytes);
// Copies between host and device memory; false on failure.
bool copy_to_device(void *device, const void *host, std::size_t bytes);
bool copy_to_host(void *host, const void *device, std::size_t bytes);

// A device allocation that lives as long as the object (nullptr data when
// the build or the machine has no CUDA).
class DeviceArray {
public:
    explicit DeviceArray(std::size_t bytes);
    ~DeviceArray();
    DeviceArray(const DeviceArray &) = delete;
    DeviceArray &operator=(const DeviceArray &) = delete;
    float *data() const { return static_cast<float *>(p_); }

private:
    void *p_ = nullptr;
};

}  // namespace stencilforge::bench
