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

// Holds the CPU anchors to the ISA stencilforge's own kernels run at
// (STENCILFORGE_CPU_ISA), so an AVX2 table compares AVX2 code with AVX2
// code: oneDNN through dnnl::set_max_cpu_isa (before its first primitive),
// OpenCV through OPENCV_CPU_DISABLE, which it reads only at load, so the
// process re-executes itself once with it set. Returns what the anchors
// were held to, for the benchmark's context. Call first thing in main.
std::string hold_to_active_isa(char **argv);

}  // namespace stencilforge::anchors
