// The runtime API's contract: every class of bad input gets an Error naming
// the problem and leaves the caller's memory untouched; the pass plan covers
// any step count; the input is never written.
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace stencilforge;

constexpr const char *kStar = "star2d1r_f32_tiled_t1";
constexpr const char *kTemporal8 = "star2d1r_f32_temporal_t8";

// Runs `call`, expects an Error whose message contains `needle`, and checks
// that the output grid still holds its sentinel values.
template <typename Call>
void expect_rejected(Call call, std::vector<float> &out, const std::string &needle) {
    std::fill(out.begin(), out.end(), 42.0f);
    try {
        call();
        FAIL() << "expected an Error mentioning '" << needle << "'";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    for (float v : out) ASSERT_EQ(v, 42.0f) << "output was written despite the error";
}

struct ApiTest : ::testing::Test {
    std::vector<float> in = sf_test::random_grid<float>(16 * 12, 7);
    std::vector<float> out = std::vector<float>(16 * 12);
    std::vector<double> coeffs = sf_test::random_coefficients(5, 3);
    ConstGridView in_view{in.data(), {16, 12}};
    GridView out_view{out.data(), {16, 12}};
};

TEST_F(ApiTest, UnknownKernel) {
    expect_rejected([&] { run("star2d9r_f32_magic_t1", in_view, out_view, 1, coeffs); }, out, "unknown kernel");
}

TEST_F(ApiTest, WrongDtype) {
    std::vector<double> in64(16 * 12);
    expect_rejected([&] { run(kStar, ConstGridView(in64.data(), {16, 12}), out_view, 1, coeffs); }, out, "f32");
}

TEST_F(ApiTest, WrongCoefficientCount) {
    std::vector<double> nine(9, 0.1);
    expect_rejected([&] { run(kStar, in_view, out_view, 1, nine); }, out, "needs 5 coefficients");
}

TEST_F(ApiTest, GridBelowFootprint) {
    std::vector<float> tiny_in(2 * 12);
    expect_rejected([&] { run(kStar, ConstGridView(tiny_in.data(), {2, 12}), GridView(out.data(), {2, 12}), 1, coeffs); },
                    out, "below the stencil footprint");
    expect_rejected([&] { run("box2d2r_f32_tiled_t1", ConstGridView(in.data(), {16, 4}), GridView(out.data(), {16, 4}), 1,
                              std::vector<double>(25, 0.04)); },
                    out, ">= 5 (2r+1)");
}

TEST_F(ApiTest, MismatchedShapes) {
    expect_rejected([&] { run(kStar, in_view, GridView(out.data(), {12, 16}), 1, coeffs); }, out, "differ in shape");
}

TEST_F(ApiTest, WrongDimensionality) {
    expect_rejected([&] { run(kStar, ConstGridView(in.data(), {4, 4, 12}), GridView(out.data(), {4, 4, 12}), 1, coeffs); },
                    out, "expects 2-D grids");
}

TEST_F(ApiTest, NullData) {
    expect_rejected([&] { run(kStar, ConstGridView(static_cast<const float *>(nullptr), {16, 12}), out_view, 1, coeffs); },
                    out, "input grid has null data");
    expect_rejected([&] { run(kStar, in_view, GridView(static_cast<float *>(nullptr), {16, 12}), 1, coeffs); }, out,
                    "output grid has null data");
}

TEST_F(ApiTest, NegativeSteps) {
    expect_rejected([&] { run(kStar, in_view, out_view, -1, coeffs); }, out, "steps must be >= 0");
}

TEST_F(ApiTest, AliasingRejected) {
    // In place, and shifted by one row: both overlap.
    std::vector<float> buf(16 * 13, 1.0f);
    const std::vector<float> before = buf;
    for (std::size_t shift : {std::size_t{0}, std::size_t{16}}) {
        try {
            run(kStar, ConstGridView(buf.data(), {16, 12}), GridView(buf.data() + shift, {16, 12}), 1, coeffs);
            FAIL() << "overlapping grids were accepted";
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
        }
        EXPECT_EQ(buf, before);
    }
}

TEST_F(ApiTest, InputIsNeverWritten) {
    const auto before = in;
    run(kTemporal8, in_view, out_view, 11, coeffs);  // 4 passes: scratch and out alternate
    EXPECT_EQ(in, before);
}

TEST_F(ApiTest, ZeroStepsCopies) {
    run(kTemporal8, in_view, out_view, 0, coeffs);
    EXPECT_EQ(out, in);
}

TEST_F(ApiTest, MissingDeviceIsAClearError) {
    // Every device variant whose device this machine lacks is refused up front.
    int checked = 0;
    for (const auto &v : catalog()) {
        if (v.shape != "star2d1r" || v.dtype != DType::f32 || device_available(v.device)) continue;
        expect_rejected([&] { run(v.name, in_view, out_view, 1, coeffs); }, out, "needs a " + v.device + " device");
        ++checked;
    }
    if (checked == 0) GTEST_SKIP() << "every device API of the catalog is available here: " << describe_devices();
}

TEST(Plan, CoversEveryStepCountWithFullPassesFirst) {
    for (const auto &v : catalog()) {
        for (int steps = 0; steps <= 19; ++steps) {
            const auto plan = plan_passes(v.name, steps);
            int total = 0;
            for (const auto *p : plan) {
                total += p->depth;
                EXPECT_EQ(p->shape, v.shape);
                EXPECT_EQ(p->dtype, v.dtype);
            }
            EXPECT_EQ(total, steps) << v.name;
            EXPECT_EQ(std::count(plan.begin(), plan.end(), &v), steps / v.depth) << v.name;
        }
    }
    const auto plan = plan_passes(kTemporal8, 11);  // 8 + 2 + 1
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[1]->name, "star2d1r_f32_temporal_t2");
    EXPECT_EQ(plan[2]->name, "star2d1r_f32_tiled_t1");
}

TEST(Catalog, MetadataIsConsistent) {
    const std::map<std::string, int> expected_points = {{"star2d1r", 5}, {"star2d2r", 9}, {"box2d1r", 9},
                                                        {"box2d2r", 25}, {"star3d1r", 7}, {"box3d1r", 27}};
    ASSERT_FALSE(catalog().empty());
    for (const auto &v : catalog()) {
        EXPECT_EQ(v.name, v.shape + "_" + to_string(v.dtype) + "_" + v.schedule + "_t" + std::to_string(v.depth));
        if (expected_points.count(v.shape)) EXPECT_EQ(v.num_coefficients(), expected_points.at(v.shape)) << v.name;
        EXPECT_EQ(find_variant(v.name), &v);
    }
    EXPECT_EQ(find_variant("nope"), nullptr);
}

TEST(Cpu, LimitAfterFirstRunIsRejected) {
    std::vector<float> in(9, 1.0f), out(9);
    run(kStar, ConstGridView(in.data(), {3, 3}), GridView(out.data(), {3, 3}), 1, std::vector<double>(5, 0.2));
    const CpuIsa other = active_cpu_isa() == CpuIsa::avx2 ? CpuIsa::avx512 : CpuIsa::avx2;
    if (detected_cpu_isa() == CpuIsa::avx2 && other == CpuIsa::avx512) GTEST_SKIP() << "CPU has no AVX-512";
    EXPECT_THROW(limit_cpu_isa(other), Error);
    EXPECT_NO_THROW(limit_cpu_isa(active_cpu_isa()));
}

TEST(GridType, OwnsAlignedZeroedStorage) {
    Grid<double> g({5, 4, 3});
    EXPECT_EQ(g.cells(), 60);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(g.data()) % 64, 0u);
    EXPECT_EQ(g.view().shape_string(), "5x4x3");
    EXPECT_EQ(g.view().dtype, DType::f64);
    for (std::int64_t i = 0; i < g.cells(); ++i) ASSERT_EQ(g[i], 0.0);
}

}  // namespace
