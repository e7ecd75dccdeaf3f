// The plain-loop reference for the convolution family: sums in double, the
// definition written out directly (its own index arithmetic and boundary
// handling, no Halide), so a bug shared with the generated kernels cannot hide.
#pragma once

#include <algorithm>
#include <vector>

namespace stencilforge::reference {

enum class Edge { constant, clamp, mirror };

// Index i of an axis of n samples as the boundary reads it; -1 means "outside"
// (the constant). Mirror reflects once without repeating the edge (n > radius).
inline int edge_index(int i, int n, Edge e) {
    if (i >= 0 && i < n) return i;
    switch (e) {
    case Edge::constant: return -1;
    case Edge::clamp: return std::clamp(i, 0, n - 1);
    case Edge::mirror: return i < 0 ? -i : 2 * (n - 1) - i;
    }
    return -1;
}

// Correlation of a planar image (x fastest, then y, then channel) with a
// kw x kh filter taps[ky * kw + kx], centred at (kw/2, kh/2).
inline std::vector<double> filter(const std::vector<float> &in, int w, int h, int c, const std::vector<double> &taps,
                                  int kw, int kh, Edge edge, double value) {
    std::vector<double> out(in.size());
    for (int ch = 0; ch < c; ++ch) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                double sum = 0;
                for (int ky = 0; ky < kh; ++ky) {
                    for (int kx = 0; kx < kw; ++kx) {
                        const int sx = edge_index(x + kx - kw / 2, w, edge), sy = edge_index(y + ky - kh / 2, h, edge);
                        const double v = sx < 0 || sy < 0 ? value : in[sx + w * (sy + h * ch)];
                        sum += taps[ky * kw + kx] * v;
                    }
                }
                out[x + w * (y + h * ch)] = sum;
            }
        }
    }
    return out;
}

// A DNN layer: in NHWC (n, h, w, ci), weights HWIO [ky][kx][ci][co] (or, for
// depthwise, [ky][kx][c] with co = ci), zero padding, stride, bias, ReLU.
struct Layer {
    int n, h, w, c_in, c_out, k, stride, pad;
    bool relu, depthwise;
    int out_h() const { return (h + 2 * pad - k) / stride + 1; }
    int out_w() const { return (w + 2 * pad - k) / stride + 1; }
};

// One output element (image n, row oy, column ox, channel co) of a layer:
// NHWC input, HWIO weights (depthwise: HWC), bias, then ReLU if asked.
inline double conv_layer_at(const Layer &l, const std::vector<float> &in, const std::vector<float> &weights,
                            const std::vector<float> &bias, int n, int oy, int ox, int co) {
    double sum = bias.empty() ? 0.0 : bias[co];
    for (int ky = 0; ky < l.k; ++ky) {
        const int iy = oy * l.stride + ky - l.pad;
        if (iy < 0 || iy >= l.h) continue;
        for (int kx = 0; kx < l.k; ++kx) {
            const int ix = ox * l.stride + kx - l.pad;
            if (ix < 0 || ix >= l.w) continue;
            const float *pixel = &in[((static_cast<std::size_t>(n) * l.h + iy) * l.w + ix) * l.c_in];
            if (l.depthwise) {
                sum += double(weights[(ky * l.k + kx) * l.c_in + co]) * pixel[co];
                continue;
            }
            for (int ci = 0; ci < l.c_in; ++ci) {
                sum += double(weights[((static_cast<std::size_t>(ky) * l.k + kx) * l.c_in + ci) * l.c_out + co]) *
                       pixel[ci];
            }
        }
    }
    return l.relu ? std::max(sum, 0.0) : sum;
}

inline std::vector<double> conv_layer(const Layer &l, const std::vector<float> &in, const std::vector<float> &weights,
                                      const std::vector<float> &bias) {
    const int oh = l.out_h(), ow = l.out_w();
    std::vector<double> out(static_cast<std::size_t>(l.n) * oh * ow * l.c_out);
    for (int n = 0; n < l.n; ++n) {
        for (int oy = 0; oy < oh; ++oy) {
            for (int ox = 0; ox < ow; ++ox) {
                for (int co = 0; co < l.c_out; ++co) {
                    out[((static_cast<std::size_t>(n) * oh + oy) * ow + ox) * l.c_out + co] =
                        conv_layer_at(l, in, weights, bias, n, oy, ox, co);
                }
            }
        }
    }
    return out;
}

}  // namespace stencilforge::reference
