// cuDNN 9 convolution forward behind CudnnConv (see cudnn_conv.h).
#include "cudnn_conv.h"

#include <cuda_runtime.h>
#include <cudnn.h>

#include <stdexcept>
#include <vector>

namespace stencilforge::anchors {

namespace {

void check(cudnnStatus_t s, const char *what) {
    if (s != CUDNN_STATUS_SUCCESS) throw std::runtime_error(std::string("cuDNN ") + what + ": " + cudnnGetErrorString(s));
}
void check(cudaError_t e, const char *what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}

// A device allocation freed with its owner.
struct DeviceBuffer {
    void *p = nullptr;
    std::size_t bytes = 0;
    void allocate(std::size_t n) {
        bytes = n;
        if (n) check(cudaMalloc(&p, n), "cudaMalloc");
    }
    ~DeviceBuffer() { cudaFree(p); }
};

}  // namespace

struct CudnnConv::State {
    LayerShape shape;
    cudnnHandle_t handle = nullptr;
    cudnnTensorDescriptor_t x = nullptr, y = nullptr, b = nullptr;
    cudnnFilterDescriptor_t w = nullptr;
    cudnnConvolutionDescriptor_t conv = nullptr;
    cudnnActivationDescriptor_t relu = nullptr;
    cudnnConvolutionFwdAlgo_t algo{};
    Math math = Math::fp32;
    DeviceBuffer in, out, weights, bias, workspace;
    ~State() {
        cudnnDestroyActivationDescriptor(relu);
        cudnnDestroyConvolutionDescriptor(conv);
        cudnnDestroyFilterDescriptor(w);
        cudnnDestroyTensorDescriptor(b);
        cudnnDestroyTensorDescriptor(y);
        cudnnDestroyTensorDescriptor(x);
        if (handle) cudnnDestroy(handle);
    }
};

CudnnConv::CudnnConv(const LayerShape &s, const float *weights, const float *bias, Math math) : state_(new State) {
    State &st = *state_;
    st.shape = s;
    check(cudnnCreate(&st.handle), "cudnnCreate");
    check(cudnnCreateTensorDescriptor(&st.x), "descriptor");
    check(cudnnCreateTensorDescriptor(&st.y), "descriptor");
    check(cudnnCreateTensorDescriptor(&st.b), "descriptor");
    check(cudnnCreateFilterDescriptor(&st.w), "descriptor");
    check(cudnnCreateConvolutionDescriptor(&st.conv), "descriptor");
    check(cudnnCreateActivationDescriptor(&st.relu), "descriptor");
    check(cudnnSetTensor4dDescriptor(st.x, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, s.n, s.c_in, s.h, s.w), "input");
    check(cudnnSetTensor4dDescriptor(st.y, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, s.n, s.c_out, s.out_h(), s.out_w()),
          "output");
    check(cudnnSetTensor4dDescriptor(st.b, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 1, s.c_out, 1, 1), "bias");
    // NHWC filters are KRSC (C_out, K, K, C_in): HWIO transposed.
    check(cudnnSetFilter4dDescriptor(st.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, s.c_out, s.c_in, s.k, s.k), "filter");
    check(cudnnSetConvolution2dDescriptor(st.conv, s.pad, s.pad, s.stride, s.stride, 1, 1, CUDNN_CROSS_CORRELATION,
                                          CUDNN_DATA_FLOAT),
          "convolution");
    const cudnnMathType_t want = math == Math::fp32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH;
    check(cudnnSetConvolutionMathType(st.conv, want), "math type");
    check(cudnnSetActivationDescriptor(st.relu, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0), "activation");

    std::vector<float> krsc(static_cast<std::size_t>(s.c_out) * s.k * s.k * s.c_in);
    for (int ky = 0; ky < s.k; ++ky)
        for (int kx = 0; kx < s.k; ++kx)
            for (int ci = 0; ci < s.c_in; ++ci)
                for (int co = 0; co < s.c_out; ++co)
                    krsc[((static_cast<std::size_t>(co) * s.k + ky) * s.k + kx) * s.c_in + ci] =
                        weights[((static_cast<std::size_t>(ky) * s.k + kx) * s.c_in + ci) * s.c_out + co];
    st.weights.allocate(krsc.size() * sizeof(float));
    st.bias.allocate(static_cast<std::size_t>(s.c_out) * sizeof(float));
    check(cudaMemcpy(st.weights.p, krsc.data(), st.weights.bytes, cudaMemcpyHostToDevice), "weights");
    check(cudaMemcpy(st.bias.p, bias, st.bias.bytes, cudaMemcpyHostToDevice), "bias");
    st.in.allocate(static_cast<std::size_t>(s.n) * s.h * s.w * s.c_in * sizeof(float));
    st.out.allocate(static_cast<std::size_t>(s.n) * s.out_h() * s.out_w() * s.c_out * sizeof(float));

    // cuDNN times its candidates on this shape and returns them fastest first.
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int found = 0;
    check(cudnnFindConvolutionForwardAlgorithm(st.handle, st.x, st.w, st.conv, st.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                               &found, perf),
          "find algorithm");
    int pick = -1;
    for (int i = 0; i < found && pick < 0; ++i) {
        const bool fma = perf[i].mathType == CUDNN_FMA_MATH;
        if (perf[i].status == CUDNN_STATUS_SUCCESS && fma == (math == Math::fp32)) pick = i;
    }
    if (pick < 0) {
        throw std::runtime_error(std::string("cuDNN found no ") + (math == Math::fp32 ? "FP32 (FMA math)" : "tensor-core") +
                                 " algorithm for this layer");
    }
    st.math = math;
    st.algo = perf[pick].algo;
    st.workspace.allocate(perf[pick].memory);
}

CudnnConv::~CudnnConv() = default;

void CudnnConv::run(const float *in_nhwc, float *out_nhwc) {
    State &st = *state_;
    check(cudaMemcpy(st.in.p, in_nhwc, st.in.bytes, cudaMemcpyHostToDevice), "input copy");
    run_device(static_cast<const float *>(st.in.p), static_cast<float *>(st.out.p));
    check(cudaMemcpy(out_nhwc, st.out.p, st.out.bytes, cudaMemcpyDeviceToHost), "output copy");
}

void CudnnConv::run_device(const float *in, float *out) {
    State &st = *state_;
    const float one = 1.0f, zero = 0.0f;
    check(cudnnConvolutionForward(st.handle, &one, st.x, in, st.w, st.weights.p, st.conv, st.algo, st.workspace.p,
                                  st.workspace.bytes, &zero, st.y, out),
          "convolution");
    check(cudnnAddTensor(st.handle, &one, st.b, st.bias.p, &one, st.y, out), "bias");
    if (st.shape.relu) check(cudnnActivationForward(st.handle, st.relu, &one, st.y, out, &zero, st.y, out), "relu");
    check(cudaStreamSynchronize(nullptr), "synchronize");
}

std::string CudnnConv::implementation() const {
    return "cuDNN " + cudnn_version() + (state_->math == Math::tf32 ? " TF32" : " FP32") + ", forward algo " +
           std::to_string(static_cast<int>(state_->algo));
}

std::string cudnn_version() {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) return "";
    const std::size_t v = cudnnGetVersion();
    return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace stencilforge::anchors
