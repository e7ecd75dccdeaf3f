// The machine's own roofs, measured in the same run as the kernels: DRAM copy
// bandwidth over arrays far larger than the last-level cache, all threads.
#pragma once

#include <cstddef>

namespace stencilforge::bench {

struct Bandwidth {
    double memcpy_bytes_per_s;  // glibc memcpy per thread chunk (streaming stores on large copies)
    double loop_bytes_per_s;    // STREAM-style a[i] = b[i] loop, ordinary stores
    double best() const { return memcpy_bytes_per_s > loop_bytes_per_s ? memcpy_bytes_per_s : loop_bytes_per_s; }
};

// Bytes counted as STREAM does: one read plus one write per element copied.
// Best of `trials` after one warm-up copy.
Bandwidth measure_copy_bandwidth(std::size_t bytes_per_array, int trials);

}  // namespace stencilforge::bench
