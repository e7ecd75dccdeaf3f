// The anchors' versions, asked of the libraries themselves at run time.
#include "anchors.h"

#include "stencilforge/cpu.h"

#include <cstdlib>
#include <unistd.h>

#if SF_HAVE_ONEDNN
#include <dnnl.hpp>
#endif
#if SF_HAVE_OPENCV
#include <opencv2/core/version.hpp>
#endif

namespace stencilforge::anchors {

std::string describe() {
    std::string s;
#if SF_HAVE_ONEDNN
    const dnnl_version_t *v = dnnl_version();
    s += "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
#endif
#if SF_HAVE_OPENCV
    s += std::string(s.empty() ? "" : ", ") + "OpenCV " CV_VERSION;
#endif
#if SF_HAVE_CUDNN
    if (const std::string v = cudnn_version(); !v.empty()) s += std::string(s.empty() ? "" : ", ") + "cuDNN " + v;
#endif
    return s.empty() ? "none" : s;
}

std::string hold_to_active_isa(char **argv) {
    if (active_cpu_isa() == detected_cpu_isa()) return to_string(detected_cpu_isa()) + " (the CPU's own)";
#if SF_HAVE_OPENCV
    // The AVX-512 features and dispatch groups, by the names OpenCV 4.6 reads.
    constexpr const char *opencv_avx512 = "AVX512F,AVX512-COMMON,AVX512-SKX,AVX512-CNL,AVX512-CLX";
    if (!std::getenv("OPENCV_CPU_DISABLE")) {
        setenv("OPENCV_CPU_DISABLE", opencv_avx512, 1);
        execv("/proc/self/exe", argv);  // returns only on failure: then OpenCV stays unheld, and says so below
    }
    const std::string opencv = std::getenv("OPENCV_CPU_DISABLE") ? "OpenCV held" : "OpenCV NOT held";
#else
    const std::string opencv = "no OpenCV";
#endif
#if SF_HAVE_ONEDNN
    const bool onednn = dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx2) == dnnl::status::success;
    const std::string dnn = onednn ? "oneDNN held" : "oneDNN NOT held";
#else
    const std::string dnn = "no oneDNN";
#endif
    return "avx2 (" + dnn + ", " + opencv + ")";
}

}  // namespace stencilforge::anchors
