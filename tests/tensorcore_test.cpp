// The tensor-core variants' layout transforms and accuracy contracts, on the
// CPU (no GPU needed): the banded-matrix form of a stencil step and the
// implicit-GEMM index map of a layer must reproduce the plain-loop
// references exactly (in f64), and with the operands rounded as each
// reduced precision rounds them (emulated: round to nearest on the
// mantissa, f64 accumulation) every catalog tensor-core variant's error must
// stay within its documented tolerance. The GPU tests then hold the kernels
// themselves to the same tolerance.
#include "conv_reference.h"
#include "tensorcore/band_matrix.h"
#include "tensorcore/implicit_gemm.h"
#include "tensorcore/precision.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

namespace {

using namespace stencilforge;
using tensorcore::Precision;

double rounded(Precision p, double v) { return p == Precision::f64 ? v : tensorcore::round_to(p, static_cast<float>(v)); }

// One step in the banded-matrix form, tile by tile (M x N outputs, K band
// columns per product), operands rounded to `p`; the ring keeps its value.
std::vector<double> band_step(const VariantInfo &v, const std::vector<double> &in, std::int64_t nx, std::int64_t ny,
                              std::int64_t nz, const std::vector<double> &coeffs, int M, int N, int kpad, Precision p) {
    const int R = v.radius, D = v.dims;
    std::vector<double> w(coeffs.size());
    for (std::size_t j = 0; j < w.size(); ++j) w[j] = rounded(p, coeffs[j]);
    auto at = [&](std::int64_t x, std::int64_t y, std::int64_t z) {
        x = std::clamp<std::int64_t>(x, 0, nx - 1), y = std::clamp<std::int64_t>(y, 0, ny - 1);
        z = std::clamp<std::int64_t>(z, 0, nz - 1);
        return rounded(p, in[x + nx * (y + ny * z)]);
    };
    std::vector<double> out(in.size());
    for (std::int64_t z = 0; z < nz; ++z) {
        for (std::int64_t y0 = 0; y0 < ny; y0 += M) {
            for (std::int64_t x0 = 0; x0 < nx; x0 += N) {
                for (int i = 0; i < M && y0 + i < ny; ++i) {
                    for (int c = 0; c < N && x0 + c < nx; ++c) {
                        double acc = 0;
                        for (int b = 0; b < tensorcore::band_rows(R, D); ++b) {
                            const int dy = tensorcore::band_dy(b, R), dz = tensorcore::band_dz(b, R, D);
                            for (int j = 0; j < kpad; ++j) {
                                acc += at(x0 - R + j, y0 + i + dy, z + dz) *
                                       tensorcore::band_value(w.data(), v.pattern, R, D, b, j, c);
                            }
                        }
                        const std::int64_t x = x0 + c, y = y0 + i;
                        const bool inside = x >= R && x < nx - R && y >= R && y < ny - R && (D < 3 || (z >= R && z < nz - R));
                        out[x + nx * (y + ny * z)] = inside ? acc : in[x + nx * (y + ny * z)];
                    }
                }
            }
        }
    }
    return out;
}

struct TileGeometry {
    int m, n, k;  // the MMA shape: DMMA m8n8k4, TF32 m16n16k8
    Precision precision;
};

TileGeometry geometry_of(const VariantInfo &v) {
    return v.dtype == DType::f64 ? TileGeometry{8, 8, 4, Precision::f64} : TileGeometry{16, 16, 8, Precision::tf32};
}

// Every tensor-core stencil variant in its own tile geometry and precision,
// on the kernel tests' awkward sizes and up to their step counts.
TEST(TensorCoreStencil, BandFormMatchesReferenceWithinContract) {
    int checked = 0;
    for (const auto &v : catalog()) {
        if (v.schedule.find("_tc_") == std::string::npos) continue;
        const TileGeometry t = geometry_of(v);
        const int kpad = (t.n + 2 * v.radius + t.k - 1) / t.k * t.k;
        const std::vector<std::vector<std::int64_t>> sizes =
            v.dims == 2 ? std::vector<std::vector<std::int64_t>>{{3 + 2 * v.radius, 3 + 2 * v.radius}, {37, 23}, {131, 67}}
                        : std::vector<std::vector<std::int64_t>>{{19, 13, 11}, {40, 17, 9}};
        double worst = 0;
        for (const auto &e : sizes) {
            const std::int64_t nz = v.dims == 3 ? e[2] : 1, cells = e[0] * e[1] * nz;
            const auto input = sf_test::random_grid<double>(cells, 5);
            const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), 6);
            std::vector<double> grid(input.begin(), input.end());
            const int steps = 11;
            for (int s = 0; s < steps; ++s) grid = band_step(v, grid, e[0], e[1], nz, coeffs, t.m, t.n, kpad, t.precision);
            const auto ref = reference::apply(input, e[0], e[1], nz, v.dims, v.pattern, v.radius, coeffs, steps);
            const double err = reference::max_rel_error(grid.data(), ref);
            worst = std::max(worst, err);
            const double bound = v.tolerance > 0 ? v.tolerance : 1e-12;
            EXPECT_LE(err, bound) << v.name << " (" << tensorcore::name(t.precision) << ", emulated) on " << e[0] << "x"
                                  << e[1] << (v.dims == 3 ? "x" + std::to_string(nz) : "") << ", " << steps << " steps";
        }
        std::printf("[tensorcore] %s: %s, 11 steps, max error / max |ref| %.2e (contract %.0e)\n", v.name.c_str(),
                    std::string(tensorcore::name(t.precision)).c_str(), worst, v.tolerance);
        ++checked;
    }
    if (checked == 0) GTEST_SKIP() << "no tensor-core stencil variants in this build (no nvcc)";
}

// The implicit-GEMM map against the reference layer, exact and per precision.
TEST(TensorCoreConv, ImplicitGemmMatchesReferenceWithinContract) {
    const reference::Layer layers[] = {{2, 13, 11, 19, 70, 3, 1, 1, true, false}, {1, 17, 15, 3, 33, 7, 2, 3, false, false},
                                       {1, 9, 9, 40, 24, 1, 2, 0, true, false},   {1, 14, 14, 64, 48, 5, 1, 2, false, false}};
    int checked = 0;
    for (const auto &v : conv_catalog()) {
        if (v.algorithm != "conv_implicit_gemm") continue;
        const Precision p = v.schedule.ends_with("tf32") ? Precision::tf32
                            : v.schedule.ends_with("bf16") ? Precision::bf16
                                                           : Precision::fp16;
        double worst = 0;
        for (reference::Layer l : layers) {
            if (l.stride != v.stride) continue;
            const auto in = sf_test::random_grid<float>(static_cast<std::size_t>(l.n) * l.h * l.w * l.c_in, 1);
            const auto weights = sf_test::random_grid<float>(static_cast<std::size_t>(l.k) * l.k * l.c_in * l.c_out, 2);
            const auto bias = sf_test::random_grid<float>(l.c_out, 3);
            const auto ref = reference::conv_layer(l, in, weights, bias);
            const tensorcore::ConvGeometry g{l.n, l.h, l.w, l.c_in, l.c_out, l.k, l.stride, l.pad, l.out_h(), l.out_w()};
            for (Precision q : {Precision::f64, p}) {
                std::vector<double> out(ref.size());
                for (std::int64_t px = 0; px < g.gemm_m(); ++px) {
                    for (int co = 0; co < l.c_out; ++co) {
                        double acc = 0;
                        for (int kk = 0; kk < g.gemm_k(); ++kk) {
                            acc += rounded(q, tensorcore::implicit_a(in.data(), g, px, kk)) *
                                   rounded(q, weights[static_cast<std::size_t>(kk) * l.c_out + co]);
                        }
                        const double y = acc + bias[co];
                        out[px * l.c_out + co] = l.relu && y < 0 ? 0 : y;
                    }
                }
                const double err = reference::max_rel_error(out.data(), ref);
                if (q == Precision::f64) {
                    EXPECT_LE(err, 1e-12) << "implicit-GEMM map, K" << l.k << " s" << l.stride;
                } else {
                    worst = std::max(worst, err);
                    EXPECT_LE(err, v.tolerance) << v.name << " (" << tensorcore::name(q) << ", emulated), K" << l.k;
                }
            }
        }
        std::printf("[tensorcore] %s: %s, max error / max |ref| %.2e (contract %.0e)\n", v.name.c_str(),
                    std::string(tensorcore::name(p)).c_str(), worst, v.tolerance);
        ++checked;
    }
    if (checked == 0) GTEST_SKIP() << "no tensor-core layer variants in this build (no nvcc)";
}

// The emulated rounding itself: the nearest value with the precision's
// mantissa (ties to even), checked on values with known neighbours.
TEST(TensorCorePrecision, RoundsToTheNearestRepresentable) {
    EXPECT_EQ(tensorcore::round_to(Precision::bf16, 1.0f + 1.0f / 512), 1.0f);              // below half an ulp (2^-7)
    EXPECT_EQ(tensorcore::round_to(Precision::bf16, 1.0f + 3.0f / 256), 1.0f + 1.0f / 64);  // 1.5 ulp: to even (2 ulp)
    EXPECT_EQ(tensorcore::round_to(Precision::tf32, 1.0f + 1.0f / 4096), 1.0f);             // a quarter ulp (2^-10)
    EXPECT_EQ(tensorcore::round_to(Precision::tf32, 1.0f + 3.0f / 2048), 1.0f + 1.0f / 512);
    EXPECT_EQ(tensorcore::round_to(Precision::fp16, -2.0f - 1.0f / 1024), -2.0f);
}

}  // namespace
