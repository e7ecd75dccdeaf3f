// Every Halide CUDA variant's launch configuration (stencils, filters, layers), read on the CPU:
// this binary replaces the Halide CUDA runtime's entry points (they are weak
// symbols, documented in HalideRuntimeCuda.h as overridable) with a recorder
// that keeps "device" buffers in host memory and runs nothing. Each variant's
// host code then computes its launches exactly as on a GPU, on the grids the
// tests and the benchmark use, and every launch is held to the limits of a
// CUDA device: at most 1024 threads a block (x, y <= 1024, z <= 64) and the
// 48 KiB of shared memory a block gets without an opt-in, which Halide 21's
// CUDA runtime never makes. (A gpu_temporal 3D f64 T=4 variant asked for
// 61,760-62,720 B: it could never launch.)
#include "conv_table.h"
#include "kernel_table.h"

#include "HalideBuffer.h"
#include "HalideRuntimeCuda.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Launch {
    std::string entry;
    int blocks[3], threads[3], shared_bytes;
};
std::vector<Launch> launches;

int fake_malloc(halide_buffer_t *buf) {
    if (buf->device) return 0;
    buf->device = reinterpret_cast<std::uint64_t>(std::calloc(1, buf->size_in_bytes() + 64));
    buf->device_interface = halide_cuda_device_interface();
    return buf->device ? 0 : halide_error_code_out_of_memory;
}

}  // namespace

// The recorder: no driver, no kernels; buffers on the "device" are host memory.
extern "C" {
int halide_cuda_initialize_kernels(void *, void **state_ptr, const char *, int) {
    static int state;
    *state_ptr = &state;
    return 0;
}
void halide_cuda_finalize_kernels(void *, void *) {}
int halide_cuda_run(void *, void *, const char *entry_name, int bx, int by, int bz, int tx, int ty, int tz,
                    int shared_mem_bytes, size_t *, void **, int8_t *) {
    launches.push_back({entry_name, {bx, by, bz}, {tx, ty, tz}, shared_mem_bytes});
    return 0;
}
int halide_cuda_device_malloc(void *, halide_buffer_t *buf) { return fake_malloc(buf); }
int halide_cuda_device_free(void *, halide_buffer_t *buf) {
    std::free(reinterpret_cast<void *>(buf->device));
    buf->device = 0;
    buf->device_interface = nullptr;
    return 0;
}
int halide_cuda_copy_to_device(void *, halide_buffer_t *buf) {
    buf->set_host_dirty(false);
    return fake_malloc(buf);
}
int halide_cuda_copy_to_host(void *, halide_buffer_t *buf) {
    buf->set_device_dirty(false);
    return 0;
}
int halide_cuda_device_sync(void *, halide_buffer_t *) { return 0; }
int halide_cuda_device_release(void *) { return 0; }
}

namespace {

using namespace stencilforge;

// The grids of tests/cuda_test.cpp and of the benchmark's sizes.
std::vector<std::vector<int>> grids(int dims) {
    if (dims == 2) return {{301, 157}, {1024, 1024}, {8192, 8192}, {5, 5}};
    return {{67, 35, 70}, {128, 128, 64}, {512, 512, 256}, {3, 3, 3}};
}

constexpr int kSharedLimit = 48 * 1024;

template <typename T>
void launch_all(const VariantInfo &v, const std::vector<int> &shape) {
    std::vector<T> weights(v.num_coefficients(), T(0.1));
    Halide::Runtime::Buffer<T> coeffs(weights.data(), static_cast<int>(weights.size()));
    Halide::Runtime::Buffer<T> in(nullptr, shape), out(nullptr, shape);
    // Device-only grids: the host side is never touched, the "device" side is calloc'd.
    ASSERT_EQ(in.device_malloc(halide_cuda_device_interface()), 0);
    ASSERT_EQ(out.device_malloc(halide_cuda_device_interface()), 0);
    coeffs.set_host_dirty();
    const int rc = detail::kernel_for(v)(in.raw_buffer(), coeffs.raw_buffer(), out.raw_buffer());
    ASSERT_EQ(rc, 0) << v.name;
    in.device_free();
    out.device_free();
}

// The launches checked against the limits; returns the largest shared-memory request.
int check_launches(const std::string &what) {
    int max_shared = 0;
    EXPECT_FALSE(launches.empty()) << what << ": no launch recorded";
    for (const Launch &l : launches) {
        EXPECT_LE(long(l.threads[0]) * l.threads[1] * l.threads[2], 1024) << what << " " << l.entry;
        EXPECT_LE(l.threads[2], 64) << what << " " << l.entry;
        EXPECT_GE(l.blocks[0], 1) << what << " " << l.entry;
        EXPECT_LE(l.blocks[1], 65535) << what << " " << l.entry;
        EXPECT_LE(l.blocks[2], 65535) << what << " " << l.entry;
        EXPECT_LE(l.shared_bytes, kSharedLimit) << what << " " << l.entry << ": " << l.shared_bytes << " B";
        max_shared = std::max(max_shared, l.shared_bytes);
    }
    return max_shared;
}

TEST(CudaLaunch, EveryHalideCudaVariantFitsADevicesLimits) {
    int variants = 0, max_shared = 0;
    std::string largest;
    for (const auto &v : catalog()) {
        if (v.device != "cuda" || v.engine != "halide") continue;
        ++variants;
        for (const auto &shape : grids(v.dims)) {
            launches.clear();
            std::string grid;
            for (int e : shape) grid += (grid.empty() ? "" : "x") + std::to_string(e);
            SCOPED_TRACE(v.name + " on " + grid);
            if (v.dtype == DType::f32) {
                launch_all<float>(v, shape);
            } else {
                launch_all<double>(v, shape);
            }
            ASSERT_FALSE(launches.empty()) << "no launch recorded";
            if (const int shared = check_launches(v.name + " on " + grid); shared > max_shared) {
                max_shared = shared, largest = v.name + " on " + grid;
            }
        }
    }
    EXPECT_GT(variants, 0);
    std::printf("%d Halide CUDA variants; largest shared-memory request %d B (%s)\n", variants, max_shared,
                largest.c_str());
}

template <typename... Extents>
Halide::Runtime::Buffer<float> device_buffer(Extents... e) {
    Halide::Runtime::Buffer<float> b(nullptr, e...);
    EXPECT_EQ(b.device_malloc(halide_cuda_device_interface()), 0);
    return b;
}

// Filters at the largest K (15, the most shared memory) and K = 3; layers at
// every K they accept, on the CUDA tests' layer shape.
TEST(CudaLaunch, EveryHalideCudaConvVariantFitsADevicesLimits) {
    int variants = 0, max_shared = 0;
    for (const auto &e : detail::conv_table()) {
        const ConvVariantInfo &v = e.info;
        if (v.device != "cuda" || v.engine != "halide") continue;
        ++variants;
        if (e.filter2d) {
            for (int k : {3, 15}) {
                launches.clear();
                auto in = device_buffer(37, 29, 3), out = device_buffer(37, 29, 3);
                std::vector<float> taps(k * k, 0.01f);
                Halide::Runtime::Buffer<float> filter(taps.data(), k, k);
                filter.set_host_dirty();
                ASSERT_EQ(e.filter2d(in.raw_buffer(), filter.raw_buffer(), 0.0f, out.raw_buffer()), 0) << v.name;
                max_shared = std::max(max_shared, check_launches(v.name + " K=" + std::to_string(k)));
            }
        } else if (e.layer) {
            for (int k : v.kernel_sizes) {
                launches.clear();
                const int c_in = 70, c_out = 64, w = 13, h = 11, n = 2, pad = k / 2;
                const int ow = (w + 2 * pad - k) / v.stride + 1, oh = (h + 2 * pad - k) / v.stride + 1;
                auto in = device_buffer(c_in, w, h, n), out = device_buffer(c_out, ow, oh, n);
                auto weights = device_buffer(c_out, c_in, k, k), bias = device_buffer(c_out);
                ASSERT_EQ(e.layer(in.raw_buffer(), weights.raw_buffer(), bias.raw_buffer(), pad, true, out.raw_buffer()), 0)
                    << v.name << " K=" << k;
                max_shared = std::max(max_shared, check_launches(v.name + " K=" + std::to_string(k)));
            }
        }
    }
    EXPECT_GT(variants, 0);
    std::printf("%d Halide CUDA conv variants; largest shared-memory request %d B\n", variants, max_shared);
}

}  // namespace
