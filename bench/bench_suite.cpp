// Benchmark sizes and suites (see bench_suite.h).
#include "bench_suite.h"
#include "stencilforge/tuning.h"

namespace stencilforge::bench {

const std::vector<Size> &sizes() {
    // The grids `stencilforge tune` measures by default (tuning.h): one inside
    // the LLC, one far beyond it, so a tuned pick was timed on these very sizes.
    static const std::vector<Size> all = {
        {"small", tuning_grids(2)[0], tuning_grids(3)[0]},
        {"large", tuning_grids(2)[1], tuning_grids(3)[1]},
    };
    return all;
}

bool Suite::includes(const VariantInfo &v, const Size &size) const {
    // The tuning build's candidates are timed by `stencilforge tune` (and by
    // the auto pick's row when one is picked), not as columns of their own.
    if (v.tuning_candidate) return false;
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
