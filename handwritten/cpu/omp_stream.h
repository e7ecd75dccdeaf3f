// The `omp_stream` policy: the `omp` loop with non-temporal (streaming)
// stores. An ordinary store reads each output line into the cache before
// writing it (write-allocate), a third of a single-step pass's DRAM traffic
// where the hardware pays it; a streaming store writes the line without that
// read and without evicting the input rows. Each row is computed in chunks
// into a private L1 buffer (the omp loop's row_span()) and each chunk then
// streamed to the output with aligned vector stores. Its memory roof is the non-temporal copy
// (the catalog row says `"stores": "nontemporal"`). Compiled once per
// instruction set (host_isa.h).
#pragma once

#include "host_isa.h"
#include "omp_loop.h"
#include "stencilforge/shape.h"

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <utility>

namespace stencilforge::handwritten {
struct OmpStream;  // the policy's name in the catalog
}

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

#ifdef __AVX512F__
using StreamVector = __m512i;
inline void stream_vector(void *dst, const void *src) {
    _mm512_stream_si512(static_cast<StreamVector *>(dst), _mm512_loadu_si512(src));
}
#else
using StreamVector = __m256i;
inline void stream_vector(void *dst, const void *src) {
    _mm256_stream_si256(static_cast<StreamVector *>(dst), _mm256_loadu_si256(static_cast<const StreamVector *>(src)));
}
#endif

// dst[0, n) = src[0, n): ordinary stores up to the first vector-aligned
// address of dst and after the last one, streaming stores in between.
template <typename T>
void stream_store(T *dst, const T *src, std::int64_t n) {
    constexpr std::int64_t vec = sizeof(StreamVector), per = vec / sizeof(T);
    std::int64_t i = 0;
    for (; i < n && reinterpret_cast<std::uintptr_t>(dst + i) % vec != 0; ++i) dst[i] = src[i];
    for (; i + per <= n; i += per) stream_vector(dst + i, src + i);
    for (; i < n; ++i) dst[i] = src[i];
}

template <Pattern P, int R, int D, typename T>
void stream_kernel(const HostGrids<T> &g) {
    constexpr auto n = offsets_array<P, R, D>().size();
    T c[n];
    for (std::size_t j = 0; j < n; ++j) c[j] = g.coefficients[j];
    const std::int64_t nx = g.nx, ny = g.ny, nz = g.nz, sy = nx, sz = nx * ny;
    const std::int64_t zlo = D == 3 ? R : 0, zhi = D == 3 ? nz - R : nz;
#pragma omp parallel
    {
        // One chunk of a row at a time: the chunk stays in L1 between its
        // computation and its streaming.
        constexpr std::int64_t chunk = 2048 / sizeof(T);
        Scratch<T> buffer;
        buffer.reserve(static_cast<std::size_t>(chunk));
        T *part = buffer.data();
#pragma omp for collapse(2) schedule(static)
        for (std::int64_t z = 0; z < nz; ++z) {
            for (std::int64_t y = 0; y < ny; ++y) {
                const std::int64_t at = y * sy + z * sz;
                if (y < R || y >= ny - R || z < zlo || z >= zhi) {
                    stream_store(g.out + at, g.in + at, nx);
                    continue;
                }
                const T *in = g.in + at;
                for (std::int64_t x0 = 0; x0 < nx; x0 += chunk) {
                    const std::int64_t x1 = x0 + chunk < nx ? x0 + chunk : nx;
                    // The chunk's cells, ring cells at offsets below R - x0 and from nx - R - x0.
                    row_span<P, R, D, T>(in + x0, part, 0, x1 - x0, R - x0, nx - R - x0, sy, sz, c);
                    stream_store(g.out + at + x0, part, x1 - x0);
                }
            }
        }
        // Streaming stores are weakly ordered: drain them before the
        // region's closing barrier, after which other threads read `out`.
        _mm_sfence();
    }
}

template <>
struct HostPolicy<OmpStream> {
    template <Pattern P, int R, int D, typename T, int Depth>
    static void pass(const HostGrids<T> &g) {
        static_assert(Depth == 1, "omp_stream does one step per pass");
        stream_kernel<P, R, D, T>(g);
    }
};

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
