// Roof measurements (see roofline.h): STREAM-style bandwidth loops and an FMA
// throughput loop built for AVX2 and for AVX-512.
#include "stencilforge/roofline.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace stencilforge {

namespace {

// Best rate over `trials` timed calls of `work`, which moves or computes
// `amount` units per call; one untimed call first (first touch, warm-up).
template <typename Work>
double best_rate(double amount, int trials, Work work) {
    work();
    double best = 0;
    for (int t = 0; t < trials; ++t) {
        const auto start = std::chrono::steady_clock::now();
        work();
        const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - start;
        best = std::max(best, amount / dt.count());
    }
    return best;
}

constexpr long kIterations = 1 << 22;

// Twelve independent FMA chains (more than FMA latency x issue width, 4 x 2 on
// current x86) in named variables: an array of them would be kept in memory.
// acc = acc * a + b converges (|a| < 1), so no overflow or denormals appear.
template <typename V, typename T>
[[gnu::always_inline]] inline double fma_chains(T seed) {
    const V a = V{} + T(0.999999), b = V{} + T(1e-6);
    V c0 = V{} + seed, c1 = c0 + T(1), c2 = c0 + T(2), c3 = c0 + T(3), c4 = c0 + T(4), c5 = c0 + T(5);
    V c6 = c0 + T(6), c7 = c0 + T(7), c8 = c0 + T(8), c9 = c0 + T(9), c10 = c0 + T(10), c11 = c0 + T(11);
    for (long i = 0; i < kIterations; ++i) {
        c0 = c0 * a + b, c1 = c1 * a + b, c2 = c2 * a + b, c3 = c3 * a + b, c4 = c4 * a + b, c5 = c5 * a + b;
        c6 = c6 * a + b, c7 = c7 * a + b, c8 = c8 * a + b, c9 = c9 * a + b, c10 = c10 * a + b, c11 = c11 * a + b;
        // Opaque to the optimizer, so the loop cannot be solved in closed form.
        asm volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5));
        asm volatile("" : "+x"(c6), "+x"(c7), "+x"(c8), "+x"(c9), "+x"(c10), "+x"(c11));
    }
    const V total = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    double sum = 0;
    for (std::size_t l = 0; l < sizeof(V) / sizeof(T); ++l) sum += total[l];
    return sum;
}
constexpr int kChains = 12;

template <typename T, int Bytes>
using Vec [[gnu::vector_size(Bytes)]] = T;

[[gnu::target("avx512f")]] double chains_f32_avx512(float s) { return fma_chains<Vec<float, 64>, float>(s); }
[[gnu::target("avx512f")]] double chains_f64_avx512(double s) { return fma_chains<Vec<double, 64>, double>(s); }
[[gnu::target("avx2,fma")]] double chains_f32_avx2(float s) { return fma_chains<Vec<float, 32>, float>(s); }
[[gnu::target("avx2,fma")]] double chains_f64_avx2(double s) { return fma_chains<Vec<double, 32>, double>(s); }

volatile double g_sink;

// b = a with non-temporal (streaming) stores: the written lines go to DRAM
// without first being read into the cache (no write-allocate read). 32-byte
// AVX stores on 64-byte aligned chunks whose length is a multiple of 4.
[[gnu::target("avx")]] void stream_copy(const double *a, double *b, std::size_t n) {
    for (std::size_t i = 0; i < n; i += 4) _mm256_stream_pd(b + i, _mm256_load_pd(a + i));
}

}  // namespace

Bandwidth measure_bandwidth(std::size_t bytes, int trials) {
    const std::size_t n = bytes / sizeof(double);
    auto *a = static_cast<double *>(std::aligned_alloc(64, n * sizeof(double)));
    auto *b = static_cast<double *>(std::aligned_alloc(64, n * sizeof(double)));
    auto *c = static_cast<double *>(std::aligned_alloc(64, n * sizeof(double)));
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<double>(i);
        b[i] = 0;
        c[i] = 1;
    }
    const double copy_bytes = 2.0 * static_cast<double>(n * sizeof(double));
    Bandwidth bw{};
    bw.memcpy_bytes_per_s = best_rate(copy_bytes, trials, [&] {
#pragma omp parallel
        {
            const std::size_t t = omp_get_thread_num(), nt = omp_get_num_threads();
            const std::size_t lo = n * t / nt, hi = n * (t + 1) / nt;
            std::memcpy(b + lo, a + lo, (hi - lo) * sizeof(double));
        }
    });
    bw.loop_bytes_per_s = best_rate(copy_bytes, trials, [&] {
#pragma omp parallel for simd schedule(static)
        for (std::size_t i = 0; i < n; ++i) b[i] = a[i];
    });
    bw.nontemporal_bytes_per_s = best_rate(copy_bytes, trials, [&] {
#pragma omp parallel
        {
            // Chunks of whole cache lines (8 doubles), so every store is aligned.
            const std::size_t t = omp_get_thread_num(), nt = omp_get_num_threads(), lines = n / 8;
            const std::size_t lo = lines * t / nt * 8, hi = lines * (t + 1) / nt * 8;
            stream_copy(a + lo, b + lo, hi - lo);
        }
        _mm_sfence();
    });
    bw.triad_bytes_per_s = best_rate(1.5 * copy_bytes, trials, [&] {
#pragma omp parallel for simd schedule(static)
        for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 0.5 * c[i];
    });
    std::free(a);
    std::free(b);
    std::free(c);
    return bw;
}

FmaPeak measure_fma_peak(bool avx512, int trials) {
    const auto flops = [](int lanes) {
        return 2.0 * lanes * kChains * static_cast<double>(kIterations) * omp_get_max_threads();
    };
    const auto seed = [] { return 1e-3f * static_cast<float>(omp_get_thread_num()); };
    // AVX2 always; AVX-512 too where allowed, since some cores (Zen 4) issue
    // 512-bit FMAs at half rate: the roof is the faster of the two.
    FmaPeak peak{};
    peak.f32_flops = best_rate(flops(8), trials, [&] {
#pragma omp parallel
        g_sink = chains_f32_avx2(seed());
    });
    peak.f64_flops = best_rate(flops(4), trials, [&] {
#pragma omp parallel
        g_sink = chains_f64_avx2(seed());
    });
    if (avx512) {
        peak.f32_flops = std::max(peak.f32_flops, best_rate(flops(16), trials, [&] {
#pragma omp parallel
            g_sink = chains_f32_avx512(seed());
        }));
        peak.f64_flops = std::max(peak.f64_flops, best_rate(flops(8), trials, [&] {
#pragma omp parallel
            g_sink = chains_f64_avx512(seed());
        }));
    }
    return peak;
}

}  // namespace stencilforge
