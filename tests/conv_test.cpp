// Every convolution variant of the catalog against the plain-loop reference
// (conv_reference.h) on awkward shapes, and the API's refusals of bad input.
#include "conv_reference.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <unistd.h>
#include <cstdio>

namespace stencilforge {
void PrintTo(const ConvVariantInfo &v, std::ostream *os) { *os << v.name; }
}  // namespace stencilforge

namespace {

using namespace stencilforge;
namespace ref = stencilforge::reference;

constexpr float kSentinel = 7.0f;

std::vector<float> random_floats(std::size_t n, unsigned seed) { return sf_test::random_grid<float>(n, seed); }

bool untouched(const std::vector<float> &v) {
    return std::all_of(v.begin(), v.end(), [](float x) { return x == kSentinel; });
}

std::string test_name(const testing::TestParamInfo<ConvVariantInfo> &p) { return p.param.name; }

std::vector<ConvVariantInfo> variants_of(std::initializer_list<const char *> families) {
    std::vector<ConvVariantInfo> out;
    for (const auto &v : conv_catalog()) {
        for (const char *f : families) {
            if (v.family == f) out.push_back(v);
        }
    }
    return out;
}

// --- filters ---------------------------------------------------------------

struct FilterCase {
    Boundary boundary;
    float value;
    ref::Edge edge;
};

std::vector<FilterCase> cases_for(const ConvVariantInfo &v) {
    if (v.boundary == "constant") {
        return {{Boundary::zero, 0.0f, ref::Edge::constant}, {Boundary::constant, 2.5f, ref::Edge::constant}};
    }
    if (v.boundary == "clamp") return {{Boundary::clamp, 0.0f, ref::Edge::clamp}};
    return {{Boundary::mirror, 0.0f, ref::Edge::mirror}};
}

class FilterVariant : public testing::TestWithParam<ConvVariantInfo> {};

TEST_P(FilterVariant, MatchesReference) {
    const ConvVariantInfo &v = GetParam();
    if (!device_available(v.device)) {
        GTEST_SKIP() << v.name << " needs a " << v.device << " device; here: " << describe_devices();
    }
    const bool separable = v.algorithm == "sepfilter";
    struct Size {
        int w, h, c;
    };
    // Ragged against the 4-vector blocks and 16-row strips, one wider than a
    // block, one narrower than a vector, a single pixel.
    const Size sizes[] = {{37, 23, 3}, {70, 19, 1}, {5, 4, 2}, {1, 1, 1}};
    // (row taps, column taps); filter2d uses the first as K.
    const std::pair<int, int> lengths[] = {{1, 1}, {3, 5}, {5, 3}, {15, 9}, {9, 15}};
    int runs = 0;
    double worst = 0;
    for (const auto &s : sizes) {
        const auto in = random_floats(static_cast<std::size_t>(s.w) * s.h * s.c, s.w * 31 + s.h);
        for (auto [kx, ky] : lengths) {
            if (!separable) ky = kx;
            for (const auto &fc : cases_for(v)) {
                FilterOptions o;
                o.boundary = fc.boundary;
                o.constant = fc.value;
                o.schedule = v.schedule;
                o.route_separable = false;
                std::vector<float> out(in.size(), kSentinel);
                const auto row = random_floats(kx, kx), col = random_floats(ky, 100 + ky);
                std::vector<double> taps(static_cast<std::size_t>(kx) * ky);
                std::vector<float> taps2d(taps.size());
                for (int y = 0; y < ky; ++y) {
                    for (int x = 0; x < kx; ++x) {
                        taps2d[y * kx + x] = separable ? 0.0f : random_floats(taps.size(), 7 * kx)[y * kx + x];
                        taps[y * kx + x] = separable ? double(row[x]) * col[y] : taps2d[y * kx + x];
                    }
                }
                ImageView dst{out.data(), s.w, s.h, s.c};
                ConstImageView src(in.data(), s.w, s.h, s.c);
                auto call = [&] {
                    return separable ? sep_filter2d(src, row, col, dst, o) : filter2d(src, taps2d, dst, o);
                };
                if (fc.edge == ref::Edge::mirror && (s.w <= kx / 2 || s.h <= ky / 2)) {
                    EXPECT_THROW(call(), Error) << "mirror needs the image larger than the radius";
                    EXPECT_TRUE(untouched(out));
                    continue;
                }
                EXPECT_EQ(call(), v.name);
                const auto expect = ref::filter(in, s.w, s.h, s.c, taps, kx, ky, fc.edge, fc.value);
                const double err = sf_test::max_rel_error(out, expect);
                worst = std::max(worst, err);
                EXPECT_LE(err, v.tolerance) << s.w << "x" << s.h << "x" << s.c << " taps " << kx << "x" << ky;
                ++runs;
            }
        }
    }
    EXPECT_GT(runs, 0);
    RecordProperty("max_rel_error", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(Catalog, FilterVariant, testing::ValuesIn(variants_of({"filter"})), test_name);

TEST(FilterRouting, RankOneFilterRunsSeparableAndSaysSo) {
    const int w = 41, h = 17, c = 2;
    const auto in = random_floats(w * h * c, 3);
    const std::vector<float> row = {1, 4, 6, 4, 1}, col = {0.5f, -1, 2, -1, 0.5f};
    std::vector<float> k2d(25);
    std::vector<double> taps(25);
    for (int y = 0; y < 5; ++y) {
        for (int x = 0; x < 5; ++x) taps[y * 5 + x] = k2d[y * 5 + x] = row[x] * col[y];
    }
    std::vector<float> out(in.size());
    const std::string ran = filter2d({in.data(), w, h, c}, k2d, {out.data(), w, h, c});
    EXPECT_EQ(ran.rfind("sepfilter", 0), 0u) << ran;
    EXPECT_LE(sf_test::max_rel_error(out, ref::filter(in, w, h, c, taps, 5, 5, ref::Edge::clamp, 0)), 1e-5);

    k2d[3] += 0.5f;  // no longer rank 1
    FilterOptions o;
    EXPECT_EQ(filter2d({in.data(), w, h, c}, k2d, {out.data(), w, h, c}, o).rfind("filter2d", 0), 0u);
    o.route_separable = false;
    k2d[3] -= 0.5f;
    EXPECT_EQ(filter2d({in.data(), w, h, c}, k2d, {out.data(), w, h, c}, o).rfind("filter2d", 0), 0u);
}

// Default options route rank-1 kernels (box, Gaussian, Sobel) to the
// separable algorithm; every filter2d schedule must still run them, routed
// or not (the GPU schedules have no separable variant).
TEST(FilterRouting, DefaultOptionsRunRankOneKernelsOnEverySchedule) {
    const int w = 23, h = 11, c = 2;
    const auto in = random_floats(w * h * c, 9);
    const std::vector<float> row = {1, 2, 1}, col = {-1, 0, 1};  // Sobel
    std::vector<float> k2d(9);
    std::vector<double> taps(9);
    for (int y = 0; y < 3; ++y) {
        for (int x = 0; x < 3; ++x) taps[y * 3 + x] = k2d[y * 3 + x] = row[x] * col[y];
    }
    int ran = 0;
    for (const auto &v : conv_catalog()) {
        if (v.algorithm != "filter2d" || !device_available(v.device)) continue;
        FilterOptions o;
        o.schedule = v.schedule;
        o.boundary = v.boundary == "mirror" ? Boundary::mirror : v.boundary == "clamp" ? Boundary::clamp : Boundary::zero;
        const ref::Edge edge = v.boundary == "mirror" ? ref::Edge::mirror
                               : v.boundary == "clamp" ? ref::Edge::clamp
                                                       : ref::Edge::constant;
        std::vector<float> out(in.size(), kSentinel);
        std::string used;
        ASSERT_NO_THROW(used = filter2d({in.data(), w, h, c}, k2d, {out.data(), w, h, c}, o)) << v.name;
        EXPECT_LE(sf_test::max_rel_error(out, ref::filter(in, w, h, c, taps, 3, 3, edge, 0)), 1e-5) << used;
        ++ran;
    }
    EXPECT_GT(ran, 0);
}

TEST(FilterErrors, BadInputIsRefusedAndNothingWritten) {
    const int w = 12, h = 9, c = 2;
    const auto in = random_floats(w * h * c, 5);
    std::vector<float> out(in.size(), kSentinel);
    const std::vector<float> k3(9, 0.1f), k4(16, 0.1f), k17(17 * 17, 0.01f);
    ImageView dst{out.data(), w, h, c};
    ConstImageView src(in.data(), w, h, c);
    EXPECT_THROW(filter2d(src, k4, dst), Error);                                    // even K
    EXPECT_THROW(filter2d(src, k17, dst), Error);                                   // K > 15
    EXPECT_THROW(filter2d(src, std::span<const float>(k3.data(), 8), dst), Error);  // not square
    EXPECT_THROW(filter2d({nullptr, w, h, c}, k3, dst), Error);
    EXPECT_THROW(filter2d(src, k3, {nullptr, w, h, c}), Error);
    EXPECT_THROW(filter2d({in.data(), 0, h, c}, k3, {out.data(), 0, h, c}), Error);
    EXPECT_THROW(filter2d({in.data(), w, -1, c}, k3, {out.data(), w, -1, c}), Error);
    EXPECT_THROW(filter2d(src, k3, {out.data(), w, h, 1}), Error);                 // shape mismatch
    EXPECT_THROW(filter2d(src, k3, {const_cast<float *>(in.data()), w, h, c}), Error);  // in place
    FilterOptions unknown;
    unknown.schedule = "no_such_schedule";
    EXPECT_THROW(filter2d(src, k3, dst, unknown), Error);
    const std::vector<float> even(4, 0.25f);
    EXPECT_THROW(sep_filter2d(src, even, k3, dst), Error);
    EXPECT_TRUE(untouched(out));
}

// --- layers ----------------------------------------------------------------

class LayerVariant : public testing::TestWithParam<ConvVariantInfo> {};

TEST_P(LayerVariant, MatchesReference) {
    const ConvVariantInfo &v = GetParam();
    if (!device_available(v.device)) {
        GTEST_SKIP() << v.name << " needs a " << v.device << " device; here: " << describe_devices();
    }
    const bool depthwise = v.family == "depthwise";
    struct Shape {
        int n, h, w, c_in, c_out;
    };
    // C_in/C_out off the vector width, W_out off the 7-pixel tile and the
    // Winograd tiles, one shape above the register tile (70 x 17), N > 1.
    // The tiled layers' paths: whole channel blocks of blocked weights with
    // a partial last group of 64 (96 = 3 x 32, 6 x 16), the RGB stem's
    // kx-inner order (3 channels), and the padded staging from 256 input
    // channels (257), each on a width and height off the tile, and the
    // 1-row tile of images with few, odd rows (7 x 14, two images). The
    // one-row tiles: 1x1 layers of fewer than 8 rows run as one row (5 x 11
    // with a partial channel block, 2 x 5 narrower than AVX-512's tile), and
    // a 3x3 layer whose output is one row (3 x 20 unpadded). Images under
    // 16 rows skip the filter's padding rows; 18 rows sum every row (their
    // own specialization of the tiled path). 7-wide 3x3 images with padding
    // also skip the padding columns on AVX-512 (ConvStages::narrow_3x3): in
    // whole channel blocks over 7 rows of two images, in a partial block over
    // 6 rows, and as a 1-row output.
    const Shape shapes[] = {{1, 9, 11, 5, 7},   {2, 13, 17, 19, 70}, {1, 8, 8, 16, 64},  {1, 3, 4, 2, 3},
                            {2, 10, 9, 3, 96},  {1, 7, 9, 257, 128}, {2, 7, 14, 40, 64}, {2, 5, 11, 24, 70},
                            {1, 2, 5, 16, 32},  {1, 3, 20, 16, 32},  {1, 18, 15, 16, 64}, {2, 7, 7, 32, 64},
                            {1, 6, 7, 16, 40},  {1, 1, 7, 24, 32}};
    int runs = 0, seed = 1;
    double worst = 0;
    for (Shape s : shapes) {
        if (depthwise) s.c_out = s.c_in;
        for (int k : v.kernel_sizes) {
            for (int pad : {0, k / 2}) {
                ref::Layer l{s.n, s.h, s.w, s.c_in, s.c_out, k, v.stride, pad, seed % 2 == 0, depthwise};
                if (s.h + 2 * pad < k || s.w + 2 * pad < k) continue;
                ++seed;
                const auto in = random_floats(static_cast<std::size_t>(s.n) * s.h * s.w * s.c_in, seed);
                const auto weights =
                    random_floats(static_cast<std::size_t>(k) * k * s.c_in * (depthwise ? 1 : s.c_out), seed + 1000);
                const auto bias = seed % 3 == 0 ? std::vector<float>{} : random_floats(s.c_out, seed + 2000);
                std::vector<float> out(static_cast<std::size_t>(s.n) * l.out_h() * l.out_w() * s.c_out, kSentinel);
                LayerParams p{k, v.stride, pad, l.relu};
                ConstTensorView src(in.data(), s.n, s.h, s.w, s.c_in);
                TensorView dst{out.data(), s.n, l.out_h(), l.out_w(), s.c_out};
                const std::string ran = depthwise ? depthwise_conv3x3(src, weights, bias, p, dst, v.schedule)
                                                  : conv2d(src, weights, bias, p, dst, {v.algorithm, v.schedule});
                EXPECT_EQ(ran, v.name);
                const double err = sf_test::max_rel_error(out, ref::conv_layer(l, in, weights, bias));
                worst = std::max(worst, err);
                EXPECT_LE(err, v.tolerance)
                    << "N" << s.n << " H" << s.h << " W" << s.w << " Cin" << s.c_in << " Cout" << s.c_out << " K" << k
                    << " pad " << pad << " relu " << l.relu << " bias " << !bias.empty();
                ++runs;
            }
        }
    }
    EXPECT_GT(runs, 0);
    RecordProperty("max_rel_error", std::to_string(worst));
    std::printf("%s: max error / max |reference| = %.3g over %d layers\n", v.name.c_str(), worst, runs);
}

INSTANTIATE_TEST_SUITE_P(Catalog, LayerVariant, testing::ValuesIn(variants_of({"layer", "depthwise"})), test_name);

TEST(LayerErrors, BadInputIsRefusedAndNothingWritten) {
    const int n = 1, h = 6, w = 5, ci = 4, co = 8;
    const auto in = random_floats(n * h * w * ci, 9);
    const auto weights = random_floats(9 * ci * co, 10);
    const std::vector<float> bias(co, 0.5f);
    std::vector<float> out(n * h * w * co, kSentinel);
    ConstTensorView src(in.data(), n, h, w, ci);
    TensorView dst{out.data(), n, h, w, co};
    const LayerParams same{3, 1, 1, true};
    EXPECT_THROW(conv2d(src, std::span<const float>(weights.data(), weights.size() - 1), bias, same, dst), Error);
    EXPECT_THROW(conv2d(src, weights, std::span<const float>(bias.data(), 3), same, dst), Error);
    EXPECT_THROW(conv2d({in.data(), n, h, w, ci + 1}, weights, bias, same, dst), Error);  // C_in mismatch
    EXPECT_THROW(conv2d(src, weights, bias, same, {out.data(), n, h, w, co + 1}), Error);  // C_out mismatch
    EXPECT_THROW(conv2d(src, weights, bias, {3, 1, 0, false}, dst), Error);                // wrong output size
    EXPECT_THROW(conv2d({in.data(), n, 2, 2, ci}, weights, bias, {3, 1, 0, false}, {out.data(), n, 1, 1, co}),
                 Error);  // filter larger than the unpadded image
    EXPECT_THROW(conv2d({in.data(), 0, h, w, ci}, weights, bias, same, {out.data(), 0, h, w, co}), Error);
    EXPECT_THROW(conv2d({in.data(), n, -3, w, ci}, weights, bias, same, dst), Error);
    EXPECT_THROW(conv2d({nullptr, n, h, w, ci}, weights, bias, same, dst), Error);
    EXPECT_THROW(conv2d(src, weights, bias, same, {nullptr, n, h, w, co}), Error);
    EXPECT_THROW(conv2d(src, weights, bias, {3, 1, -1, false}, dst), Error);    // negative padding
    EXPECT_THROW(conv2d(src, weights, bias, {3, 0, 1, false}, dst), Error);     // stride 0
    EXPECT_THROW(conv2d(src, weights, bias, {3, 3, 1, false}, {out.data(), n, 2, 2, co}), Error);  // no stride-3 variant
    EXPECT_THROW(conv2d(src, weights, bias, {2, 1, 1, false}, {out.data(), n, 7, 6, co}), Error);  // K = 2
    EXPECT_THROW(conv2d(src, weights, bias, same, dst, {"conv_winograd_f4x4", "naive"}), Error);
    EXPECT_THROW(conv2d(src, weights, bias, same, dst, {"conv_fft", "tiled"}), Error);  // unknown algorithm
    EXPECT_THROW(conv2d(src, weights, bias, {3, 2, 1, false}, {out.data(), n, 3, 3, co}, {"conv_winograd_f2x2", "tiled"}),
                 Error);  // Winograd is stride 1 only
    std::vector<float> aliased(in.size() * 4);
    EXPECT_THROW(conv2d({aliased.data(), n, h, w, ci}, weights, bias, same, {aliased.data(), n, h, w, co}), Error);
    EXPECT_THROW(depthwise_conv3x3(src, random_floats(9 * ci, 1), {}, same, dst), Error);  // C_out != C_in
    EXPECT_TRUE(untouched(out));
}

TEST(PreparedLayer, MatchesTheReferenceAndOwnsItsWeights) {
    ref::Layer l{2, 11, 13, 9, 70, 3, 1, 1, true, false};
    const auto in = random_floats(2 * 11 * 13 * 9, 1), bias = random_floats(70, 3);
    const auto weights = random_floats(9 * 9 * 70, 2);
    const auto expect = ref::conv_layer(l, in, weights, bias);
    for (const char *algorithm : {"conv_direct", "conv_im2col_gemm", "conv_winograd_f2x2", "conv_winograd_f4x4"}) {
        auto scratch = weights;  // the caller's buffer, overwritten after preparing
        PreparedConv2d layer(9, 70, scratch, bias, {3, 1, 1, true}, {algorithm, "tiled"});
        std::fill(scratch.begin(), scratch.end(), 0.0f);
        for (int rep = 0; rep < 2; ++rep) {
            std::vector<float> out(2 * 11 * 13 * 70, kSentinel);
            EXPECT_EQ(layer.run({in.data(), 2, 11, 13, 9}, {out.data(), 2, 11, 13, 70}), layer.variant());
            EXPECT_LE(sf_test::max_rel_error(out, expect), 5e-5) << algorithm;
        }
        std::vector<float> out(2 * 11 * 13 * 70, kSentinel);
        EXPECT_THROW(layer.run({in.data(), 2, 11, 13, 8}, {out.data(), 2, 11, 13, 70}), Error);  // C_in
        EXPECT_THROW(layer.run({in.data(), 2, 11, 13, 9}, {out.data(), 2, 11, 12, 70}), Error);  // W_out
        EXPECT_TRUE(untouched(out));
    }
    EXPECT_THROW(PreparedConv2d(9, 70, std::span<const float>(weights.data(), 10), bias, {3, 1, 1, true}), Error);
    EXPECT_THROW(PreparedConv2d(9, 70, weights, bias, {3, 2, 1, true}, {"conv_winograd_f4x4", "tiled"}), Error);
}

// The record path of these tests: their own, never the user's cache.
std::string test_record_path() {
    return (std::filesystem::temp_directory_path() / ("sf_conv_test_record_" + std::to_string(::getpid()) + ".json"))
        .string();
}

TEST(LayerAuto, AutoPicksAVariantThatMatches) {
    ::setenv("STENCILFORGE_TUNING_RECORD", test_record_path().c_str(), 1);  // absent: the rule decides
    ref::Layer l{1, 10, 12, 8, 16, 3, 1, 1, false, false};
    const auto in = random_floats(10 * 12 * 8, 1), weights = random_floats(9 * 8 * 16, 2);
    std::vector<float> out(10 * 12 * 16);
    const std::string ran = conv2d({in.data(), 1, 10, 12, 8}, weights, {}, {3, 1, 1, false}, {out.data(), 1, 10, 12, 16});
    EXPECT_EQ(ran, "conv_direct_f32_tiled_s1");  // docs/conv.md's rule: direct
    EXPECT_LE(sf_test::max_rel_error(out, ref::conv_layer(l, in, weights, {})), 1e-5) << ran;
    ref::Layer wide{1, 10, 12, 32, 16, 3, 1, 1, false, false};
    const auto in32 = random_floats(10 * 12 * 32, 3), w32 = random_floats(9 * 32 * 16, 4);
    EXPECT_EQ(conv2d({in32.data(), 1, 10, 12, 32}, w32, {}, {3, 1, 1, false}, {out.data(), 1, 10, 12, 16}),
              "conv_direct_f32_tiled_s1");  // wider 3x3 layers too
    EXPECT_LE(sf_test::max_rel_error(out, ref::conv_layer(wide, in32, w32, {})), 1e-5);
    // but a 1x1 at stride 2 (a projection shortcut) the im2col GEMM
    ref::Layer projection{1, 10, 12, 32, 16, 1, 2, 0, false, false};
    const auto w1 = random_floats(32 * 16, 5);
    std::vector<float> out1(5 * 6 * 16);
    EXPECT_EQ(conv2d({in32.data(), 1, 10, 12, 32}, w1, {}, {1, 2, 0, false}, {out1.data(), 1, 5, 6, 16}),
              "conv_im2col_gemm_f32_tiled_s2");
    EXPECT_LE(sf_test::max_rel_error(out1, ref::conv_layer(projection, in32, w1, {})), 1e-5);
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
}

TEST(LayerAuto, FollowsTheTuningRecordWithinTheContract) {
    const std::string path = test_record_path();
    ::setenv("STENCILFORGE_TUNING_RECORD", path.c_str(), 1);
    TuningRecord r;
    r.key = current_tuning_key();
    r.created = "2026-01-01T00:00:00Z";
    r.dram_copy_bytes_per_s = r.llc_copy_bytes_per_s = 1e10;
    r.fma_f32_flops = r.fma_f64_flops = 1e11;
    // F(4x4) "measured" fastest, but its contract (5e-5) is looser than the default: auto takes F(2x2).
    r.conv_entries.push_back({3, 1, 32, 16, 10, 12, {{"conv_winograd_f4x4", 1e-4}, {"conv_winograd_f2x2", 2e-4},
                                                     {"conv_direct", 3e-4}}});
    save_tuning_record(r, path);
    ref::Layer wide{1, 10, 12, 32, 16, 3, 1, 1, false, false};
    const auto in = random_floats(10 * 12 * 32, 3), w = random_floats(9 * 32 * 16, 4);
    std::vector<float> out(10 * 12 * 16);
    EXPECT_EQ(conv2d({in.data(), 1, 10, 12, 32}, w, {}, {3, 1, 1, false}, {out.data(), 1, 10, 12, 16}),
              "conv_winograd_f2x2_f32_tiled_s1");
    EXPECT_LE(sf_test::max_rel_error(out, ref::conv_layer(wide, in, w, {})), 1e-5);
    EXPECT_EQ(PreparedConv2d(32, 16, w, {}, {3, 1, 1, false}).variant(), "conv_winograd_f2x2_f32_tiled_s1");
    // No entry of that K and stride: the rule (a strided 1x1: the im2col GEMM).
    const auto w1 = random_floats(32 * 16, 5);
    std::vector<float> out1(5 * 6 * 16);
    EXPECT_EQ(conv2d({in.data(), 1, 10, 12, 32}, w1, {}, {1, 2, 0, false}, {out1.data(), 1, 5, 6, 16}),
              "conv_im2col_gemm_f32_tiled_s2");
    // A record for another machine is ignored: the rule again (direct).
    r.key.cpu = "another CPU";
    std::filesystem::remove(path);
    save_tuning_record(r, path);
    EXPECT_EQ(conv2d({in.data(), 1, 10, 12, 32}, w, {}, {3, 1, 1, false}, {out.data(), 1, 10, 12, 16}),
              "conv_direct_f32_tiled_s1");
    std::filesystem::remove(path);
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
}

}  // namespace
