// The cuDNN anchor for DNN layers on the GPU: cudnnConvolutionForward on NHWC
// f32 tensors, in FP32 arithmetic (CUDNN_FMA_MATH: no TF32, so the accuracy
// contract of the f32 layers applies) or on tensor cores (TF32: the anchor of
// the tensor-core layers), the algorithm cudnnFind picks for the
// shape (timed by cuDNN itself, at construction), then bias and ReLU as two
// more cuDNN calls. Weights and bias are uploaded once; run() copies the
// input in and the output out, run_device() works on device tensors.
#pragma once

#include "layer_shape.h"

#include <memory>
#include <string>

namespace stencilforge::anchors {

class CudnnConv {
public:
    // `weights` HWIO and `bias` (C_out values) as stencilforge takes them.
    enum class Math { fp32, tf32 };
    CudnnConv(const LayerShape &shape, const float *weights, const float *bias, Math math = Math::fp32);
    ~CudnnConv();
    void run(const float *in_nhwc, float *out_nhwc);
    // On tensors already in device memory; returns when `out` holds the result.
    void run_device(const float *in_nhwc, float *out_nhwc);
    std::string implementation() const;  // e.g. "cuDNN 9.x, algo 1"

private:
    struct State;
    std::unique_ptr<State> state_;
};

// cuDNN's version, or "" when this build or machine has no cuDNN GPU.
std::string cudnn_version();

}  // namespace stencilforge::anchors
