// Every catalog variant against the plain-loop reference: awkward sizes (the
// smallest legal grid, sizes that are no multiple of any tile or vector width,
// grids spanning several tiles) and step counts that are no multiple of T.
// ctest runs this binary once per ISA (STENCILFORGE_CPU_ISA) so the AVX2
// fallback build is checked on AVX-512 machines too.
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>

namespace {

using namespace stencilforge;

struct Case {
    std::vector<std::int64_t> extent;
    std::vector<int> steps;
    bool autoscheduled_must_run = false;  // large enough for any autoscheduler's tiles
};

std::vector<Case> cases_for(const VariantInfo &v) {
    const std::int64_t m = v.min_extent();
    std::vector<Case> cases;
    // Autoscheduled kernels may refuse grids below the one they were planned
    // for; on that grid plus a ragged edge (no tile multiple) they must run.
    if (!v.autoscheduler.empty()) {
        Case planned{v.planned_grid, {v.depth + 1}, true};
        for (std::size_t d = 0; d < planned.extent.size(); ++d) planned.extent[d] += 2 * d + 3;
        cases.push_back(planned);
    }
    if (v.dims == 2) {
        cases.insert(cases.end(), {{{m, m}, {0, 1, 2, 5}},
                {{m + 1, m + 4}, {3}},
                {{37, 23}, {1, 3, 7, 11}},
                {{131, 67}, {2, 9}},
                {{1100, 300}, {9}},   // several strips and chunks of the temporal tiling
                {{8200, 6}, {3}}});   // wider than the tiled row segment, ragged against the x granule
        return cases;
    }
    cases.insert(cases.end(), {{{m, m, m}, {0, 1, 2, 5}},
            {{m + 2, m, m + 1}, {3}},
            {{19, 13, 11}, {1, 3, 7, 11}},
            {{270, 37, 70}, {9}},   // several tiles in y and z
            {{530, 19, 12}, {5}}});  // several tiles in x
    return cases;
}

template <typename T>
void check_variant(const VariantInfo &v) {
    unsigned seed = 1;
    for (const Case &c : cases_for(v)) {
        std::int64_t cells = 1;
        for (auto e : c.extent) cells *= e;
        const std::int64_t nz = v.dims == 3 ? c.extent[2] : 1;
        const auto input = sf_test::random_grid<T>(cells, seed++);
        const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), seed++);
        for (int steps : c.steps) {
            std::vector<T> out(cells, T(-999));
            const GridView out_view(static_cast<void *>(out.data()), v.dtype, c.extent);
            const ConstGridView in_view(input.data(), v.dtype, c.extent);
            if (!v.autoscheduler.empty() && !c.autoscheduled_must_run) {
                // Autoscheduled code may refuse grids below its tile sizes:
                // then with a clear Error and `out` untouched.
                try {
                    run(v.name, in_view, out_view, steps, coeffs);
                } catch (const Error &e) {
                    EXPECT_NE(std::string(e.what()).find("autoscheduler) does not run on grid"), std::string::npos)
                        << e.what();
                    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](T x) { return x == T(-999); }))
                        << v.name << " wrote to out before refusing " << out_view.shape_string();
                    continue;
                }
            } else {
                run(v.name, in_view, out_view, steps, coeffs);
            }
            const auto ref = reference::apply(input, c.extent[0], c.extent[1], nz, v.dims,
                                              v.pattern, v.radius, coeffs, steps);
            EXPECT_LE(sf_test::max_rel_error(out, ref), sf_test::tolerance_of<T>(v))
                << v.name << " on " << out_view.shape_string() << ", " << steps << " steps, "
                << to_string(active_cpu_isa());
        }
    }
}

class Kernel : public ::testing::TestWithParam<std::string> {};

TEST_P(Kernel, MatchesReference) {
    const VariantInfo *v = find_variant(GetParam());
    ASSERT_NE(v, nullptr);
    if (!device_available(v->device)) {
        GTEST_SKIP() << v->name << " needs a " << v->device << " device; here: " << describe_devices();
    }
    if (v->dtype == DType::f32) {
        check_variant<float>(*v);
    } else {
        check_variant<double>(*v);
    }
}

std::vector<std::string> all_variants() {
    std::vector<std::string> names;
    for (const auto &v : catalog()) names.push_back(v.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Catalog, Kernel, ::testing::ValuesIn(all_variants()),
                         [](const auto &info) {
                             std::string name = info.param;  // gtest names allow no '-' (kokkos-tiled)
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

// The hand-written temporal policies cut the grid into blocks by the thread
// count (omp_wavefront: a whole number of blocks per thread), so each must
// give bit-identical results on 1, 2, 3 and 5 threads, where the blocks and
// their overlapping halos fall differently.
TEST(HandWrittenTemporal, BitIdenticalOnAnyThreadCount) {
    const int saved = num_threads();
    int checked = 0;
    for (const auto &v : catalog()) {
        if (v.engine != "handwritten" || v.device != "host" || v.depth == 1 || v.dtype != DType::f64) continue;
        ++checked;
        const std::vector<std::int64_t> extent =
            v.dims == 2 ? std::vector<std::int64_t>{1203, 77} : std::vector<std::int64_t>{141, 53, 29};
        const std::int64_t cells = std::accumulate(extent.begin(), extent.end(), std::int64_t{1}, std::multiplies<>());
        const auto input = sf_test::random_grid<double>(cells, 7);
        const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), 8);
        std::vector<double> first;
        for (int threads : {1, 2, 3, 5}) {
            set_num_threads(threads);
            std::vector<double> out(cells);
            run(v.name, ConstGridView(input.data(), v.dtype, extent), GridView(out.data(), v.dtype, extent),
                2 * v.depth + 1, coeffs);
            if (first.empty()) {
                first = out;
            } else {
                EXPECT_TRUE(out == first) << v.name << " differs on " << threads << " threads from 1 thread";
            }
        }
    }
    set_num_threads(saved);
    EXPECT_GE(checked, 2 * 6 * 3) << "omp_trapezoid and omp_wavefront, six shapes, three depths";
}

TEST(Isa, EnvironmentLimitIsHonoured) {
    const char *env = std::getenv("STENCILFORGE_CPU_ISA");
    if (env && std::string(env) == "avx2") {
        EXPECT_EQ(active_cpu_isa(), CpuIsa::avx2);
    } else {
        EXPECT_EQ(active_cpu_isa(), detected_cpu_isa());
    }
}

}  // namespace
