// The runtime API's contract: every class of bad input gets an Error naming
// the problem and leaves the caller's memory untouched; the pass plan covers
// any step count; the input is never written.
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

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

TEST_F(ApiTest, StepsOutsideTheRange) {
    expect_rejected([&] { run(kStar, in_view, out_view, -1, coeffs); }, out, "steps must be in [0, 100000000], got -1");
    expect_rejected([&] { run(kStar, in_view, out_view, kMaxSteps + 1, coeffs); }, out, "got 100000001");
    expect_rejected([&] { run(kStar, in_view, out_view, 2147483647, coeffs); }, out, "steps must be in [0, ");
}

TEST_F(ApiTest, NonFiniteCoefficients) {
    for (double bad : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
        auto c = coeffs;
        c[3] = bad;
        expect_rejected([&] { run(kStar, in_view, out_view, 1, c); }, out, "coefficient c[3] is");
    }
}

TEST_F(ApiTest, GridsBeyondHalidesStrides) {
    // Never dereferenced: refused on the shape alone.
    std::vector<float> one(1);
    expect_rejected([&] { run("star3d1r_f32_tiled_t1", ConstGridView(one.data(), {65536, 65536, 3}),
                              GridView(out.data(), {65536, 65536, 3}), 1, std::vector<double>(7, 0.1)); },
                    out, "exceeds the 2^31-1 stride limit");
    const std::int64_t e = (std::int64_t{1} << 31) - 1;
    expect_rejected([&] { run(kStar, ConstGridView(one.data(), {e, e}), GridView(out.data(), {e, e}), 1, coeffs); }, out,
                    "holds more bytes than a pointer can address");
}

TEST_F(ApiTest, ProgressSeesEveryStepAndCanStop) {
    // 11 steps of T=8: one pass of 8, then 2 and 1 (remainder variants).
    std::vector<std::int64_t> seen;
    run(kTemporal8, in_view, out_view, 11, coeffs, thread_workspace(), [&](std::int64_t done, std::int64_t total) {
        EXPECT_EQ(total, 11);
        seen.push_back(done);
        return true;
    });
    EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 8, 10, 11}));
    std::vector<float> want(out.size());
    run(kTemporal8, in_view, GridView(want.data(), {16, 12}), 11, coeffs);
    EXPECT_EQ(out, want);  // observing changes nothing
    try {
        run(kStar, in_view, out_view, 5, coeffs, thread_workspace(), [](std::int64_t done, std::int64_t) { return done < 3; });
        FAIL() << "the run was not stopped";
    } catch (const Cancelled &e) {
        EXPECT_NE(std::string(e.what()).find("stopped after 3 of 5 steps"), std::string::npos) << e.what();
    }
}

TEST_F(ApiTest, RemainderFailuresNameTheKernelAsked) {
    // temporal_t4 with 5 steps runs its fifth on the tiled remainder; a missing device there
    // or a refusal must name the variant the caller asked for.
    for (const auto &v : catalog()) {
        if (v.shape != "star2d1r" || v.dtype != DType::f32 || v.remainder.empty() || device_available(v.device)) continue;
        expect_rejected([&] { run(v.name, in_view, out_view, v.depth + 1, coeffs); }, out, "kernel '" + v.name + "'");
        return;
    }
    GTEST_SKIP() << "every device of the catalog is here: " << describe_devices();
}

TEST_F(ApiTest, AutoscheduledRefusalsNameTheExtentNeeded) {
    // From the footprint, grow the dimension each refusal names to the extent
    // it names: the refusals move on (or the grid runs) and never leak Halide's text.
    int refused = 0;
    for (const auto &v : catalog()) {
        if (v.autoscheduler.empty() || v.dtype != DType::f32 || v.dims != 2 || v.radius != 1) continue;
        std::vector<std::int64_t> extent = {3, 3};
        const std::vector<double> c(v.num_coefficients(), 0.1);
        bool ran = false;
        for (int attempt = 0; attempt < 6 && !ran; ++attempt) {
            std::vector<float> a(extent[0] * extent[1], 1.0f), b(a.size(), 42.0f);
            const auto call = [&] { run(v.name, ConstGridView(a.data(), DType::f32, extent), GridView(b.data(), DType::f32, extent), v.depth, c); };
            try {
                call();
                ran = true;
            } catch (const Error &e) {
                ++refused;
                const std::string m = e.what();
                EXPECT_EQ(m.find("buffer"), std::string::npos) << "Halide's internals leak: " << m;
                EXPECT_NE(m.find("2048x2048 it was planned for"), std::string::npos) << m;
                EXPECT_TRUE(std::all_of(b.begin(), b.end(), [](float x) { return x == 42.0f; })) << v.name;
                // The second refusal of this shape comes up front, with the same words.
                try {
                    call();
                    ADD_FAILURE() << "accepted a grid it refused";
                } catch (const Error &again) {
                    EXPECT_EQ(std::string(again.what()), m);
                }
                const auto at = m.find("its tiles need ");
                ASSERT_NE(at, std::string::npos) << m;
                const int dim = m[at + 15] == 'x' ? 0 : 1;
                const std::int64_t need = std::stoll(m.substr(at + 19));
                ASSERT_GT(need, extent[dim]) << m;
                extent[dim] = need;
            }
        }
        EXPECT_TRUE(ran) << v.name << " still refuses " << extent[0] << "x" << extent[1];
    }
    EXPECT_GT(refused, 0);
}

// NaN and Inf are not checked for: they propagate as IEEE arithmetic says
// (docs/semantics.md). Where the reference has NaN or +-Inf, so does every
// engine; elsewhere the values match.
TEST(NonFinite, PropagateLikeTheReference) {
    const std::int64_t nx = 37, ny = 23;
    auto input = sf_test::random_grid<double>(nx * ny, 11);
    input[5 + nx * 7] = std::numeric_limits<double>::quiet_NaN();
    input[20 + nx * 15] = std::numeric_limits<double>::infinity();
    input[0] = -std::numeric_limits<double>::infinity();  // on the boundary ring: kept as is
    const auto c = sf_test::random_coefficients(5, 4);
    for (const char *name : {"star2d1r_f64_tiled_t1", "star2d1r_f64_temporal_t4", "star2d1r_f64_omp_t1",
                             "star2d1r_f64_kokkos-temporal_t4", "star2d1r_f64_naive_t1"}) {
        if (!find_variant(name)) continue;
        std::vector<double> out(input.size());
        run(name, ConstGridView(input.data(), {nx, ny}), GridView(out.data(), {nx, ny}), 6, c);
        const auto ref = reference::apply(input, nx, ny, 1, 2, Pattern::star, 1, c, 6);
        for (std::size_t i = 0; i < out.size(); ++i) {
            ASSERT_EQ(std::isnan(out[i]), std::isnan(ref[i])) << name << " cell " << i;
            if (std::isfinite(ref[i])) {
                ASSERT_NEAR(out[i], ref[i], 1e-12) << name << " cell " << i;
            } else if (!std::isnan(ref[i])) {
                ASSERT_EQ(out[i], ref[i]) << name << " cell " << i;
            }
        }
    }
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
            for (const auto &stage : plan) {
                EXPECT_GT(stage.passes, 0);
                total += static_cast<int>(stage.passes) * stage.variant->depth;
                EXPECT_EQ(stage.variant->shape, v.shape);
                EXPECT_EQ(stage.variant->dtype, v.dtype);
            }
            EXPECT_EQ(total, steps) << v.name;
            const std::int64_t full = steps / v.depth;
            EXPECT_EQ(full > 0 ? plan.front().passes : 0, full) << v.name;
        }
    }
    const auto plan = plan_passes(kTemporal8, 11);  // 8 + 2 + 1
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[1].variant->name, "star2d1r_f32_temporal_t2");
    EXPECT_EQ(plan[2].variant->name, "star2d1r_f32_tiled_t1");
    EXPECT_EQ(count_passes(plan), 3);
}

TEST(Plan, StaysSmallForAnyStepCount) {
    // 12499999 passes of 8, then 7 steps as one pass each of T = 4, 2, 1: a stage per depth.
    const auto plan = plan_passes(kTemporal8, kMaxSteps - 1);
    EXPECT_EQ(plan.size(), 4u);
    EXPECT_EQ(plan.front().passes, (kMaxSteps - 1) / 8);
    EXPECT_THROW(plan_passes(kTemporal8, kMaxSteps + 1), Error);
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
    // A shape whose cell count overflows 64 bits saturates instead of wrapping.
    const std::int64_t huge = std::int64_t{1} << 40;
    EXPECT_EQ(GridView(nullptr, DType::f32, {huge, huge, huge}).cells(), std::numeric_limits<std::int64_t>::max());
    for (std::int64_t i = 0; i < g.cells(); ++i) ASSERT_EQ(g[i], 0.0);
}

}  // namespace

// The prepared handle: resolved once, run many times, the same answer as the
// reference for a step count that needs a remainder pass, on an awkward grid.
TEST(Prepared, RunsThePlanItResolvedOnce) {
    const std::int64_t nx = 37, ny = 23;
    const auto in = sf_test::random_grid<float>(nx * ny, 11);
    const auto c = sf_test::random_coefficients(5, 5);
    const PreparedStencil prepared(kTemporal8, 19);  // 2 passes of T=8, then the remainder's 3 steps
    ASSERT_EQ(prepared.plan().size(), 3u);
    EXPECT_EQ(prepared.plan()[0].variant->name, kTemporal8);
    EXPECT_EQ(prepared.plan()[0].passes, 2);
    EXPECT_EQ(prepared.steps(), 19);
    const auto ref = reference::apply(in, nx, ny, 1, 2, Pattern::star, 1, c, 19);
    Workspace ws;
    for (int repeat = 0; repeat < 3; ++repeat) {
        std::vector<float> out(nx * ny, 42.0f);
        prepared.run(ConstGridView(in.data(), {nx, ny}), GridView(out.data(), {nx, ny}), c, ws);
        EXPECT_LE(sf_test::max_rel_error(out, ref), sf_test::tolerance<float>()) << "repeat " << repeat;
    }
    // Grids are checked at each run, as by the free run().
    std::vector<float> small(4 * 4);
    EXPECT_THROW(prepared.run(ConstGridView(small.data(), {4, 4}), GridView(small.data(), {4, 4}), c, ws), Error);
}

TEST(Prepared, RefusesWhatRunRefuses) {
    EXPECT_THROW(PreparedStencil("star2d1r_f32_tiledd_t1", 1), Error);
    EXPECT_THROW(PreparedStencil(kStar, -1), Error);
    EXPECT_THROW(PreparedStencil(kStar, kMaxSteps + 1), Error);
    EXPECT_TRUE(PreparedStencil(kStar, 0).plan().empty());
}
