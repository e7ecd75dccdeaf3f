// A convolution layer as a GEMM without materializing im2col (the layout of
// the tensor-core layers): C[p][co] = sum_k A[p][k] * B[k][co], with
//   p = (n, y, x) an output pixel (x fastest), k = (ky, kx, ci) (ci fastest),
//   A[p][k] = in(n, y*s + ky - pad, x*s + kx - pad, ci), zero in the padding,
//   B[k][co] = HWIO weights as given (row k, column co: already K x C_out).
// Plain C++ (host and device): the CPU tests run the same index map.
#pragma once

#include "host_device.h"

#include <cstdint>

namespace stencilforge::tensorcore {

struct ConvGeometry {
    int n, h, w, c_in;       // input, NHWC
    int c_out, k, stride, pad;
    int out_h, out_w;
    SF_HOST_DEVICE std::int64_t gemm_m() const { return std::int64_t{n} * out_h * out_w; }
    SF_HOST_DEVICE int gemm_k() const { return k * k * c_in; }
};

// A[p][kk]: the input value under output pixel p at reduction index kk.
template <typename T>
SF_HOST_DEVICE T implicit_a(const T *in, const ConvGeometry &g, std::int64_t p, int kk) {
    const int ci = kk % g.c_in, kx = (kk / g.c_in) % g.k, ky = kk / (g.c_in * g.k);
    const int x = static_cast<int>(p % g.out_w), y = static_cast<int>((p / g.out_w) % g.out_h);
    const int n = static_cast<int>(p / (std::int64_t{g.out_w} * g.out_h));
    const int iy = y * g.stride + ky - g.pad, ix = x * g.stride + kx - g.pad;
    if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return T(0);
    return in[((std::int64_t{n} * g.h + iy) * g.w + ix) * g.c_in + ci];
}

}  // namespace stencilforge::tensorcore
