// cv::filter2D / cv::sepFilter2D behind opencv_filter.h.
#include "opencv_filter.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace stencilforge::anchors {

namespace {

int border(Boundary b) {
    switch (b) {
    case Boundary::clamp: return cv::BORDER_REPLICATE;
    case Boundary::mirror: return cv::BORDER_REFLECT_101;
    case Boundary::zero:
    case Boundary::constant: return cv::BORDER_CONSTANT;
    }
    return cv::BORDER_CONSTANT;
}

template <typename F>
void per_plane(ConstImageView in, ImageView out, F &&f) {
    const std::size_t plane = static_cast<std::size_t>(in.width) * in.height;
    for (int c = 0; c < in.channels; ++c) {
        const cv::Mat src(in.height, in.width, CV_32F, const_cast<float *>(in.data) + c * plane);
        cv::Mat dst(out.height, out.width, CV_32F, out.data + c * plane);
        f(src, dst);
    }
}

}  // namespace

void opencv_filter2d(ConstImageView in, std::span<const float> kernel, ImageView out, Boundary boundary) {
    const int k = static_cast<int>(std::lround(std::sqrt(static_cast<double>(kernel.size()))));
    const cv::Mat taps(k, k, CV_32F, const_cast<float *>(kernel.data()));
    per_plane(in, out, [&](const cv::Mat &src, cv::Mat &dst) {
        cv::filter2D(src, dst, CV_32F, taps, cv::Point(-1, -1), 0, border(boundary));
    });
}

void opencv_sep_filter2d(ConstImageView in, std::span<const float> row, std::span<const float> col, ImageView out,
                         Boundary boundary) {
    const cv::Mat kx(static_cast<int>(row.size()), 1, CV_32F, const_cast<float *>(row.data()));
    const cv::Mat ky(static_cast<int>(col.size()), 1, CV_32F, const_cast<float *>(col.data()));
    per_plane(in, out, [&](const cv::Mat &src, cv::Mat &dst) {
        cv::sepFilter2D(src, dst, CV_32F, kx, ky, cv::Point(-1, -1), 0, border(boundary));
    });
}

void opencv_set_threads(int threads) { cv::setNumThreads(threads); }

}  // namespace stencilforge::anchors
