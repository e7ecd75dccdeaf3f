// The anchors' versions, asked of the libraries themselves at run time.
#include "anchors.h"

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

}  // namespace stencilforge::anchors
