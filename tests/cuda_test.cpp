// CUDA on caller-owned memory: run_on_device() on cudaMalloc'd grids, the
// caller's own (non-blocking) stream through CudaScope, and run() inside a
// scope, all against the plain-loop reference. Without a GPU these skip with
// a message; the refusals that need no GPU run everywhere.
#include "conv_reference.h"
#include "test_support.h"

#include <cuda_runtime.h>
#include <cstdio>
#include <string>
#include <gtest/gtest.h>

namespace {

using namespace stencilforge;

const char *kStar = "star2d1r_f32_cuda_hw_smem_t1";

// False also for a GPU the kernels cannot use (a driver older than the linked
// CUDA runtime, capability below 8.0): describe_devices() then says why.
bool have_gpu() { return device_available("cuda"); }


// A device allocation freed on scope exit.
struct DeviceMemory {
    void *p = nullptr;
    explicit DeviceMemory(std::size_t bytes) { EXPECT_EQ(cudaMalloc(&p, bytes), cudaSuccess); }
    ~DeviceMemory() { cudaFree(p); }
};

struct Stream {
    cudaStream_t s = nullptr;
    Stream() { EXPECT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess); }
    ~Stream() { cudaStreamDestroy(s); }
};

void expect_error(const std::function<void()> &f, const std::string &fragment) {
    try {
        f();
        ADD_FAILURE() << "expected an Error containing '" << fragment << "'";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(RunOnDevice, RefusesHostVariants) {
    std::vector<float> in(64, 1.f), out(64, 0.f), coeffs(5, 0.2f);
    const std::vector<double> c(5, 0.2);
    expect_error([&] { run_on_device("star2d1r_f32_tiled_t1", GridView(in.data(), {8, 8}), GridView(out.data(), {8, 8}), 1, c); },
                 "runs on the host");
    expect_error([&] { run_on_device("star2d1r_f32_opencl_gpu_tiled_t1", GridView(in.data(), {8, 8}), GridView(out.data(), {8, 8}), 1, c); },
                 "runs on the opencl");
}

TEST(RunOnDevice, RefusesHostMemoryOrMissingGpu) {
    std::vector<float> in(64, 1.f), out(64, 0.f);
    const std::vector<double> c(5, 0.2);
    auto call = [&] { run_on_device(kStar, GridView(in.data(), {8, 8}), GridView(out.data(), {8, 8}), 1, c); };
    expect_error(call, have_gpu() ? "not (host memory goes to run())" : "needs a CUDA device");
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.f; }));
}

// Every CUDA variant on device memory, on the caller's stream, with a step
// count that is no multiple of its depth.
template <typename T>
void check_on_device(const VariantInfo &v, cudaStream_t stream) {
    const std::vector<std::int64_t> extent = v.dims == 2 ? std::vector<std::int64_t>{301, 157}
                                                         : std::vector<std::int64_t>{67, 35, 70};
    std::int64_t cells = 1;
    for (auto e : extent) cells *= e;
    const auto input = sf_test::random_grid<T>(cells, 7);
    const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), 8);
    const int steps = v.depth + 3;
    DeviceMemory din(cells * sizeof(T)), dout(cells * sizeof(T));
    ASSERT_EQ(cudaMemcpy(din.p, input.data(), cells * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
    {
        CudaScope scope({nullptr, stream});
        run_on_device(v.name, ConstGridView(din.p, v.dtype, extent), GridView(dout.p, v.dtype, extent), steps, coeffs);
    }
    std::vector<T> out(cells);
    ASSERT_EQ(cudaMemcpy(out.data(), dout.p, cells * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    const auto ref = reference::apply(input, extent[0], extent[1], v.dims == 3 ? extent[2] : 1, v.dims,
                                      v.pattern, v.radius, coeffs, steps);
    EXPECT_LE(sf_test::max_rel_error(out, ref), sf_test::tolerance_of<T>(v)) << v.name << ", " << steps << " steps";
    // The input is read only.
    std::vector<T> back(cells);
    ASSERT_EQ(cudaMemcpy(back.data(), din.p, cells * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_EQ(back, input) << v.name << " wrote to its input";
}

TEST(RunOnDevice, EveryCudaVariantOnTheCallersStream) {
    if (!have_gpu()) GTEST_SKIP() << "no usable CUDA GPU here: " << describe_devices();
    Stream stream;
    int checked = 0;
    for (const auto &v : catalog()) {
        if (v.device != "cuda") continue;
        SCOPED_TRACE(v.name);
        // One variant's failure (a launch the device refuses, say) is reported
        // and the loop goes on: every variant runs, and each gets its line.
        const int failures_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
        try {
            if (v.dtype == DType::f32) {
                check_on_device<float>(v, stream.s);
            } else {
                check_on_device<double>(v, stream.s);
            }
        } catch (const std::exception &e) {
            ADD_FAILURE() << v.name << ": " << e.what();
        }
        const bool failed = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() >
                            failures_before;
        std::printf("cuda-variant %s %s\n", v.name.c_str(), failed ? "FAIL" : "pass");
        ++checked;
    }
    EXPECT_GT(checked, 0);
    release_cuda_cache();  // the device allocations the runs left for reuse
}

TEST(RunOnDevice, ZeroStepsCopiesOnTheDevice) {
    if (!have_gpu()) GTEST_SKIP() << "no usable CUDA GPU here: " << describe_devices();
    const auto input = sf_test::random_grid<float>(40 * 30, 3);
    DeviceMemory din(input.size() * 4), dout(input.size() * 4);
    ASSERT_EQ(cudaMemcpy(din.p, input.data(), input.size() * 4, cudaMemcpyHostToDevice), cudaSuccess);
    run_on_device(kStar, ConstGridView(din.p, DType::f32, {40, 30}), GridView(dout.p, DType::f32, {40, 30}), 0,
                  std::vector<double>(5, 0.2));
    std::vector<float> out(input.size());
    ASSERT_EQ(cudaMemcpy(out.data(), dout.p, out.size() * 4, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_EQ(out, input);
}

// run() with host grids inside a scope: the copies and kernels go to the
// caller's stream, and the result is on the host when run() returns.
TEST(CudaScope, HostGridsOnTheCallersStream) {
    if (!have_gpu()) GTEST_SKIP() << "no usable CUDA GPU here: " << describe_devices();
    Stream stream;
    CudaScope scope({nullptr, stream.s});
    for (const char *name : {"star2d1r_f64_cuda_gpu_temporal_t4", "star2d1r_f64_cuda_hw_temporal_t4"}) {
        const auto input = sf_test::random_grid<double>(257 * 131, 5);
        const auto coeffs = sf_test::random_coefficients(5, 6);
        std::vector<double> out(input.size());
        run(name, ConstGridView(input.data(), DType::f64, {257, 131}), GridView(out.data(), DType::f64, {257, 131}), 10,
            coeffs);
        const auto ref = reference::apply(input, 257, 131, 1, 2, Pattern::star, 1, coeffs, 10);
        EXPECT_LE(sf_test::max_rel_error(out, ref), sf_test::tolerance<double>()) << name;
    }
}

// PreparedConv2d::run_on_device: every CUDA layer variant on device tensors,
// twice (the second run reuses the weights already on the device).
TEST(PreparedConvOnDevice, EveryCudaLayerVariant) {
    if (!have_gpu()) GTEST_SKIP() << "no usable CUDA GPU here: " << describe_devices();
    int checked = 0;
    for (const auto &v : conv_catalog()) {
        if (v.device != "cuda" || v.family != "layer") continue;
        reference::Layer l{2, 13, 11, 19, 70, 3, v.stride, 1, true, false};
        const auto in = sf_test::random_grid<float>(std::size_t(l.n) * l.h * l.w * l.c_in, 1);
        const auto weights = sf_test::random_grid<float>(std::size_t(l.k) * l.k * l.c_in * l.c_out, 2);
        const auto bias = sf_test::random_grid<float>(l.c_out, 3);
        const auto ref = reference::conv_layer(l, in, weights, bias);
        DeviceMemory din(in.size() * 4), dout(ref.size() * 4);
        ASSERT_EQ(cudaMemcpy(din.p, in.data(), in.size() * 4, cudaMemcpyHostToDevice), cudaSuccess);
        // Hand-written tensor-core layers: each tile shape on this layer (the
        // automatic rule alone would only ever test the small one here).
        const bool tiled_kernel = v.algorithm == "conv_implicit_gemm";
        for (const char *tile : {"", "large", "medium", "small"}) {
            if (*tile && !tiled_kernel) continue;
            if (*tile) setenv("STENCILFORGE_CONV_TC_TILE", tile, 1);
            else unsetenv("STENCILFORGE_CONV_TC_TILE");
            SCOPED_TRACE(std::string("tile ") + (*tile ? tile : "auto"));
        try {
            PreparedConv2d layer(l.c_in, l.c_out, weights, bias, {l.k, l.stride, l.pad, l.relu},
                                 {v.algorithm, v.schedule});
            for (int run = 0; run < 2; ++run) {
                layer.run_on_device({static_cast<const float *>(din.p), l.n, l.h, l.w, l.c_in},
                                    {static_cast<float *>(dout.p), l.n, l.out_h(), l.out_w(), l.c_out});
                std::vector<float> out(ref.size());
                EXPECT_EQ(cudaMemcpy(out.data(), dout.p, out.size() * 4, cudaMemcpyDeviceToHost), cudaSuccess)
                    << v.name;
                EXPECT_LE(reference::max_rel_error(out.data(), ref), v.tolerance) << v.name << ", run " << run;
            }
        } catch (const std::exception &e) {
            ADD_FAILURE() << v.name << ": " << e.what();  // and on to the next variant
        }
        }
        unsetenv("STENCILFORGE_CONV_TC_TILE");
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

// A tile name the tensor-core layers do not have is an Error naming it, not a launch of some tile.
TEST(PreparedConvOnDevice, UnknownForcedTileIsAnError) {
    if (!have_gpu()) GTEST_SKIP() << "no usable CUDA GPU here: " << describe_devices();
    reference::Layer l{1, 8, 8, 16, 32, 3, 1, 1, false, false};
    const auto in = sf_test::random_grid<float>(std::size_t(l.n) * l.h * l.w * l.c_in, 1);
    const auto weights = sf_test::random_grid<float>(std::size_t(l.k) * l.k * l.c_in * l.c_out, 2);
    const auto bias = sf_test::random_grid<float>(l.c_out, 3);
    DeviceMemory din(in.size() * 4), dout(std::size_t(l.n) * l.out_h() * l.out_w() * l.c_out * 4);
    ASSERT_EQ(cudaMemcpy(din.p, in.data(), in.size() * 4, cudaMemcpyHostToDevice), cudaSuccess);
    PreparedConv2d layer(l.c_in, l.c_out, weights, bias, {l.k, l.stride, l.pad, l.relu},
                         {"conv_implicit_gemm", "cuda_tc_tf32"});
    setenv("STENCILFORGE_CONV_TC_TILE", "huge", 1);
    expect_error([&] { layer.run_on_device({static_cast<const float *>(din.p), l.n, l.h, l.w, l.c_in},
                                           {static_cast<float *>(dout.p), l.n, l.out_h(), l.out_w(), l.c_out}); },
                 "STENCILFORGE_CONV_TC_TILE='huge' is not large, medium or small");
    unsetenv("STENCILFORGE_CONV_TC_TILE");
}

TEST(PreparedConvOnDevice, RefusesHostVariantsAndMissingGpu) {
    const std::vector<float> weights(3 * 3 * 4 * 8, 0.1f), bias(8, 0.0f);
    std::vector<float> in(1 * 6 * 6 * 4, 1.0f), out(1 * 6 * 6 * 8, -7.0f);
    PreparedConv2d host(4, 8, weights, bias, {3, 1, 1, false}, {"conv_direct", "tiled"});
    expect_error([&] { host.run_on_device({in.data(), 1, 6, 6, 4}, {out.data(), 1, 6, 6, 8}); }, "runs on the host");
    PreparedConv2d gpu(4, 8, weights, bias, {3, 1, 1, false}, {"conv_direct", "cuda_gpu_tiled"});
    expect_error([&] { gpu.run_on_device({in.data(), 1, 6, 6, 4}, {out.data(), 1, 6, 6, 8}); },
                 have_gpu() ? "takes CUDA device memory" : "needs a CUDA device");
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float x) { return x == -7.0f; }));
}

}  // namespace
