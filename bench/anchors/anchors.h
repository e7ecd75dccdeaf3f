// Which outside anchors this build has (oneDNN, OpenCV, cuDNN) and their versions,
// for the benchmark's context and the tests that cross-check them.
#pragma once

#include <string>

#ifndef SF_HAVE_ONEDNN
#define SF_HAVE_ONEDNN 0
#endif
#ifndef SF_HAVE_OPENCV
#define SF_HAVE_OPENCV 0
#endif
#ifndef SF_HAVE_CUDNN
#define SF_HAVE_CUDNN 0
#endif

#if SF_HAVE_ONEDNN
#include "onednn_conv.h"
#endif
#if SF_HAVE_OPENCV
#include "opencv_filter.h"
#endif
#if SF_HAVE_CUDNN
#include "cudnn_conv.h"
#endif

namespace stencilforge::anchors {

// e.g. "oneDNN 2.6.3, OpenCV 4.6.0, cuDNN 9.x"; cuDNN only where a GPU is; "none" when there are none.
std::string describe();

}  // namespace stencilforge::anchors
