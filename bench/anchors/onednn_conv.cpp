// oneDNN 2.x convolution forward behind OneDnnConv (see onednn_conv.h).
#include "onednn_conv.h"

#include <dnnl.hpp>

namespace stencilforge::anchors {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct OneDnnConv::State {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward conv;
    memory weights, bias;
    LayerShape shape;
};

OneDnnConv::OneDnnConv(const LayerShape &s, const float *weights, const float *bias) : state_(new State) {
    State &st = *state_;
    st.shape = s;
    // oneDNN's logical dimension order is always N, C, H, W (O, I, H, W for
    // weights); the format tag says how memory is laid out.
    const memory::desc src_md({s.n, s.c_in, s.h, s.w}, dt::f32, tag::nhwc);
    const memory::desc dst_md({s.n, s.c_out, s.out_h(), s.out_w()}, dt::f32, tag::nhwc);
    const memory::desc user_w_md({s.c_out, s.c_in, s.k, s.k}, dt::f32, tag::hwio);
    const memory::desc any_w_md({s.c_out, s.c_in, s.k, s.k}, dt::f32, tag::any);
    const memory::desc bias_md({s.c_out}, dt::f32, tag::a);
    dnnl::post_ops ops;
    if (s.relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    const memory::dims strides{s.stride, s.stride}, pad{s.pad, s.pad};
    // Right padding so that (h + pad_l + pad_r - k) / stride + 1 == out_h exactly.
    const memory::dims pad_r{(s.out_h() - 1) * s.stride + s.k - s.h - s.pad,
                             (s.out_w() - 1) * s.stride + s.k - s.w - s.pad};
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                         src_md, any_w_md, bias_md, dst_md, strides, pad, pad_r);
    st.pd = dnnl::convolution_forward::primitive_desc(desc, attr, st.engine);
    st.conv = dnnl::convolution_forward(st.pd);
    memory user_w(user_w_md, st.engine, const_cast<float *>(weights));
    st.weights = memory(st.pd.weights_desc(), st.engine);
    dnnl::reorder(user_w, st.weights).execute(st.stream, user_w, st.weights);
    st.bias = memory(bias_md, st.engine, const_cast<float *>(bias));
    st.stream.wait();
}

OneDnnConv::~OneDnnConv() = default;

void OneDnnConv::run(const float *in, float *out) {
    State &st = *state_;
    memory src(st.pd.src_desc(), st.engine, const_cast<float *>(in));
    memory dst(st.pd.dst_desc(), st.engine, out);
    st.conv.execute(st.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, st.weights}, {DNNL_ARG_BIAS, st.bias},
                                {DNNL_ARG_DST, dst}});
    st.stream.wait();
}

std::string OneDnnConv::implementation() const { return state_->pd.impl_info_str(); }

}  // namespace stencilforge::anchors
