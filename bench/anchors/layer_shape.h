// A DNN layer's shape as the anchors take it (NHWC input, K x K filter).
#pragma once

namespace stencilforge::anchors {

struct LayerShape {
    int n, h, w, c_in, c_out, k, stride, pad;
    bool relu;
    int out_h() const { return (h + 2 * pad - k) / stride + 1; }
    int out_w() const { return (w + 2 * pad - k) / stride + 1; }
};

}  // namespace stencilforge::anchors
