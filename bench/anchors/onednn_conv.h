// The oneDNN anchor for DNN layers: one convolution-forward primitive per
// layer, NHWC source and destination (the library's layout), weights in the
// format oneDNN picks (reordered once, at construction, outside any timing:
// what an inference runtime does), bias and ReLU fused as a post-op.
#pragma once

#include "layer_shape.h"

#include <memory>
#include <string>

namespace stencilforge::anchors {

class OneDnnConv {
public:
    // `weights` HWIO and `bias` (C_out values) as stencilforge takes them.
    OneDnnConv(const LayerShape &shape, const float *weights, const float *bias);
    ~OneDnnConv();
    void run(const float *in_nhwc, float *out_nhwc);
    std::string implementation() const;  // oneDNN's name for the kernel it chose, e.g. brg:avx512_core

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace stencilforge::anchors
