// The OpenCV anchor for image filters: cv::filter2D and cv::sepFilter2D run
// on each plane of a planar image (OpenCV images are interleaved; a plane is
// a single-channel Mat over the same memory, no copy).
#pragma once

#include "stencilforge/conv.h"

#include <span>

namespace stencilforge::anchors {

// Boundary::constant is only the zero value here (filter2D has no border value).
void opencv_filter2d(ConstImageView in, std::span<const float> kernel, ImageView out, Boundary boundary);
void opencv_sep_filter2d(ConstImageView in, std::span<const float> row, std::span<const float> col, ImageView out,
                         Boundary boundary);
void opencv_set_threads(int threads);

}  // namespace stencilforge::anchors
