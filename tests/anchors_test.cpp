// Cross-checks against the outside anchors the benchmark compares with:
// stencilforge's filters against OpenCV's filter2D/sepFilter2D (every
// boundary mode both have) and its layers against oneDNN's convolution, on
// odd shapes. Skips, saying why, when the build has no anchor.
#include "anchors.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace {

using namespace stencilforge;

std::vector<double> as_double(const std::vector<float> &v) { return {v.begin(), v.end()}; }

TEST(OpenCvAnchor, FiltersAgree) {
#if !SF_HAVE_OPENCV
    GTEST_SKIP() << "built without OpenCV imgproc (libopencv-imgproc-dev)";
#else
    const int w = 83, h = 29, c = 3;
    const auto in = sf_test::random_grid<float>(w * h * c, 21);
    for (Boundary b : {Boundary::zero, Boundary::clamp, Boundary::mirror}) {
        for (int k : {3, 5, 9}) {
            const auto taps = sf_test::random_grid<float>(k * k, k);
            const auto row = sf_test::random_grid<float>(k, 2 * k), col = sf_test::random_grid<float>(k, 3 * k);
            std::vector<float> ours(in.size()), theirs(in.size());
            FilterOptions o;
            o.boundary = b;
            o.route_separable = false;
            filter2d({in.data(), w, h, c}, taps, {ours.data(), w, h, c}, o);
            anchors::opencv_filter2d({in.data(), w, h, c}, taps, {theirs.data(), w, h, c}, b);
            EXPECT_LE(sf_test::max_rel_error(ours, as_double(theirs)), 1e-5) << "filter2D K" << k;
            sep_filter2d({in.data(), w, h, c}, row, col, {ours.data(), w, h, c}, o);
            anchors::opencv_sep_filter2d({in.data(), w, h, c}, row, col, {theirs.data(), w, h, c}, b);
            EXPECT_LE(sf_test::max_rel_error(ours, as_double(theirs)), 1e-5) << "sepFilter2D K" << k;
        }
    }
#endif
}

// Odd layers: C off every vector width, a 7x7 stride-2 stem, a 1x1 stride-2 projection.
const anchors::LayerShape kOddLayers[] = {
    {2, 13, 11, 19, 70, 3, 1, 1, true}, {1, 17, 15, 3, 33, 7, 2, 3, false}, {1, 9, 9, 40, 24, 1, 2, 0, true}};

// An anchor's output against stencilforge's direct and im2col layers of
// `schedule` on the odd layers.
template <typename Anchor>
void expect_layers_agree(const char *schedule) {
    for (const auto &s : kOddLayers) {
        const auto in = sf_test::random_grid<float>(s.n * s.h * s.w * s.c_in, 1);
        const auto weights = sf_test::random_grid<float>(s.k * s.k * s.c_in * s.c_out, 2);
        const auto bias = sf_test::random_grid<float>(s.c_out, 3);
        std::vector<float> ours(std::size_t(s.n) * s.out_h() * s.out_w() * s.c_out), theirs(ours.size());
        Anchor dnn(s, weights.data(), bias.data());
        dnn.run(in.data(), theirs.data());
        for (const char *algorithm : {"conv_direct", "conv_im2col_gemm"}) {
            conv2d({in.data(), s.n, s.h, s.w, s.c_in}, weights, bias, {s.k, s.stride, s.pad, s.relu},
                   {ours.data(), s.n, s.out_h(), s.out_w(), s.c_out}, {algorithm, schedule});
            EXPECT_LE(sf_test::max_rel_error(ours, as_double(theirs)), 1e-5)
                << algorithm << " (" << schedule << ") vs " << dnn.implementation() << ", K" << s.k << " s" << s.stride;
        }
    }
}

TEST(OneDnnAnchor, LayersAgree) {
#if !SF_HAVE_ONEDNN
    GTEST_SKIP() << "built without oneDNN (libdnnl-dev)";
#else
    expect_layers_agree<anchors::OneDnnConv>("tiled");
#endif
}

// cuDNN against stencilforge's CUDA layer variants (and so against the CPU
// ones the kernel tests tie to the reference).
TEST(CudnnAnchor, LayersAgree) {
#if !SF_HAVE_CUDNN
    GTEST_SKIP() << "built without cuDNN (no CUDA toolkit with cudnn.h)";
#else
    if (!device_available("cuda")) GTEST_SKIP() << "no CUDA GPU here: " << describe_devices();
    expect_layers_agree<anchors::CudnnConv>("cuda_gpu_tiled");
#endif
}

}  // namespace
