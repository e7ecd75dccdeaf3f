// Benchmark sizes and suites (see bench_suite.h).
#include "bench_suite.h"

namespace stencilforge::bench {

const std::vector<Size> &sizes() {
    // small: 4 MiB per f32 grid, in- and output together well inside a 32 MiB
    // LLC. large: 64 Mi cells, 256 MiB (f32) or 512 MiB (f64) per grid.
    static const std::vector<Size> all = {
        {"small", {1024, 1024}, {128, 128, 64}},
        {"large", {8192, 8192}, {512, 512, 256}},
    };
    return all;
}

bool Suite::includes(const VariantInfo &v, const Size &size) const {
    if (rows.empty()) return true;
    // OpenCL runs on PoCL where there is no GPU: a CPU, seconds per run at
    // the large size, and no GPU number. The full suite keeps those rows.
    if (v.device == "opencl") return false;
    for (const Row &r : rows) {
        if (r.shape == v.shape && r.dtype == to_string(v.dtype) && r.size == size.name) return true;
    }
    return false;
}

const Suite &suite(const std::string &name) {
    // One of each kind: the smallest 2D stencil in both precisions, a wide 2D
    // box and a 3D star beyond the LLC, and the in-cache case for 2D and 3D.
    static const Suite representative{{{"star2d1r", "f32", "large"},
                                       {"star2d1r", "f64", "large"},
                                       {"box2d2r", "f32", "large"},
                                       {"star3d1r", "f32", "large"},
                                       {"star2d1r", "f32", "small"},
                                       {"star3d1r", "f32", "small"}}};
    static const Suite full{};
    return name == "full" ? full : representative;
}

}  // namespace stencilforge::bench
