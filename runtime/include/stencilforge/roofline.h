// The machine's own roofs: DRAM (or, on arrays that fit it, cache)
// bandwidth and peak FMA throughput, all threads. The benchmark measures them
// in the same run as the kernels; the auto pick's model (select.h) too.
#pragma once

#include <cstddef>

namespace stencilforge {

// A stencil pass reads one grid and writes another: a copy. Its roof depends
// on the stores: an ordinary store first reads the line it writes into the
// cache (write-allocate, a third of a copy's traffic where the hardware pays
// it), a non-temporal store does not.
struct Bandwidth {
    double memcpy_bytes_per_s;       // glibc memcpy per thread chunk (it picks its own stores)
    double loop_bytes_per_s;         // STREAM-style b[i] = a[i] loop, ordinary stores
    double nontemporal_bytes_per_s;  // the same copy with non-temporal (streaming) stores
    double triad_bytes_per_s;        // STREAM triad a[i] = b[i] + s * c[i] (two reads, one write)
    // The roof of kernels with ordinary stores (every catalog kernel): what
    // the ordinary-store copy reaches.
    double copy() const { return loop_bytes_per_s; }
    // The roof a kernel could reach with streaming stores.
    double streaming_copy() const {
        return nontemporal_bytes_per_s > memcpy_bytes_per_s ? nontemporal_bytes_per_s : memcpy_bytes_per_s;
    }
};

// Bytes counted as STREAM does: each element read or written once, no
// write-allocate traffic. Best of `trials` after one warm-up run.
Bandwidth measure_bandwidth(std::size_t bytes_per_array, int trials);

struct FmaPeak {
    double f32_flops;  // FLOP/s, an FMA counted as 2 FLOP
    double f64_flops;
};

// Independent FMA chains in registers on every thread, AVX2 and (when
// `avx512`) AVX-512, the faster counted: the compute roof kernels can reach.
FmaPeak measure_fma_peak(bool avx512, int trials);

}  // namespace stencilforge
