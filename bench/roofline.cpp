// Copy-bandwidth measurement (see roofline.h).
#include "roofline.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace stencilforge::bench {

namespace {

template <typename Copy>
double best_rate(std::size_t bytes, int trials, Copy copy) {
    copy();  // first touch and warm-up
    double best = 0;
    for (int t = 0; t < trials; ++t) {
        const auto start = std::chrono::steady_clock::now();
        copy();
        const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - start;
        best = std::max(best, 2.0 * static_cast<double>(bytes) / dt.count());
    }
    return best;
}

}  // namespace

Bandwidth measure_copy_bandwidth(std::size_t bytes, int trials) {
    const std::size_t n = bytes / sizeof(double);
    auto *a = static_cast<double *>(std::aligned_alloc(64, n * sizeof(double)));
    auto *b = static_cast<double *>(std::aligned_alloc(64, n * sizeof(double)));
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<double>(i);
        b[i] = 0;
    }
    Bandwidth bw{};
    bw.memcpy_bytes_per_s = best_rate(bytes, trials, [&] {
#pragma omp parallel
        {
            const std::size_t t = omp_get_thread_num(), nt = omp_get_num_threads();
            const std::size_t lo = n * t / nt, hi = n * (t + 1) / nt;
            std::memcpy(b + lo, a + lo, (hi - lo) * sizeof(double));
        }
    });
    bw.loop_bytes_per_s = best_rate(bytes, trials, [&] {
#pragma omp parallel for simd schedule(static)
        for (std::size_t i = 0; i < n; ++i) b[i] = a[i];
    });
    std::free(a);
    std::free(b);
    return bw;
}

}  // namespace stencilforge::bench
