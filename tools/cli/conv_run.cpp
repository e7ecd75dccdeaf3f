// `stencilforge run -k <convolution kernel>`: the catalog's filters and
// layers on .npy files. Images are planar float32 (H, W) or (C, H, W);
// layer tensors NHWC (N, H, W, C) with HWIO weights (K, K, C_in, C_out),
// depthwise weights (3, 3, C). The kernel's catalog entry fixes the
// algorithm, schedule, boundary and stride; the library checks the shapes
// before anything runs, and the output replaces the destination only when
// the run succeeded.
#include "run_input.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace stencilforge::cli {

namespace {

// A float32 .npy of `min_dims` to `max_dims` dimensions.
npy::Array read_floats(const std::string &path, int min_dims, int max_dims, const char *what) {
    if (path.empty()) throw Error(std::string("this kernel needs ") + what);
    const npy::Header h = npy::read_header(path, {1, 4});
    const int dims = static_cast<int>(h.shape.size());
    if (dims < min_dims || dims > max_dims) {
        throw Error("'" + path + "' holds a " + std::to_string(dims) + "-D array; this kernel needs " + what);
    }
    npy::Array a = npy::read(path, {min_dims, max_dims});
    if (a.header.dtype != DType::f32) throw Error("'" + path + "' holds float64 data; convolutions take float32");
    return a;
}

const float *floats(const npy::Array &a) { return reinterpret_cast<const float *>(a.data.get()); }
std::size_t count(const npy::Array &a) { return a.header.payload_bytes / sizeof(float); }
int dim(const npy::Array &a, int i) { return static_cast<int>(a.header.shape.at(static_cast<std::size_t>(i))); }

Boundary boundary_of(const ConvVariantInfo &v) {
    if (v.boundary == "clamp") return Boundary::clamp;
    if (v.boundary == "mirror") return Boundary::mirror;
    return Boundary::constant;  // the constant variants run zero too (--constant 0, the default)
}

}  // namespace

void run_conv_file(const ConvVariantInfo &v, const RunRequest &r, std::ostream &out) {
    if (!r.coeffs.empty()) throw Error("'" + v.name + "' is a convolution: it takes --weights, not --coeffs");
    check_output_is_not_input(r);
    const bool filter = v.family == "filter";
    const npy::Array in = read_floats(r.in, filter ? 2 : 4, filter ? 3 : 4,
                                      filter ? "-i an (H, W) or (C, H, W) image" : "-i an NHWC (N, H, W, C) tensor");
    std::vector<std::int64_t> out_shape = in.header.shape;
    std::unique_ptr<float[]> result;
    std::string ran;
    npy::PendingFile destination(r.out);  // claimed before the compute
    const auto t0 = std::chrono::steady_clock::now();
    if (filter) {
        const bool planar3 = in.header.shape.size() == 3;
        const int c = planar3 ? dim(in, 0) : 1, h = dim(in, planar3 ? 1 : 0), w = dim(in, planar3 ? 2 : 1);
        result = std::make_unique<float[]>(count(in));
        FilterOptions o;
        o.boundary = boundary_of(v);
        o.constant = static_cast<float>(r.constant);
        o.schedule = v.schedule;
        o.route_separable = false;  // the named kernel, not the separable reroute
        const ConstImageView iv(floats(in), w, h, c);
        const ImageView ov{result.get(), w, h, c};
        if (v.algorithm == "sepfilter") {
            const npy::Array row = read_floats(r.row, 1, 1, "--row (a 1-D float32 .npy)");
            const npy::Array col = read_floats(r.col, 1, 1, "--col (a 1-D float32 .npy)");
            ran = sep_filter2d(iv, {floats(row), count(row)}, {floats(col), count(col)}, ov, o);
        } else {
            const npy::Array k = read_floats(r.weights, 2, 2, "--weights (a (K, K) float32 .npy)");
            if (dim(k, 0) != dim(k, 1)) throw Error("--weights must be square (K, K)");
            ran = filter2d(iv, {floats(k), count(k)}, ov, o);
        }
    } else {
        const ConstTensorView tv(floats(in), dim(in, 0), dim(in, 1), dim(in, 2), dim(in, 3));
        const bool depthwise = v.family == "depthwise";
        const npy::Array w = read_floats(r.weights, depthwise ? 3 : 4, depthwise ? 3 : 4,
                                         depthwise ? "--weights (a (3, 3, C) float32 .npy)"
                                                   : "--weights (an HWIO (K, K, C_in, C_out) float32 .npy)");
        npy::Array bias;
        if (!r.bias.empty()) bias = read_floats(r.bias, 1, 1, "--bias (a 1-D float32 .npy)");
        const std::span<const float> b = r.bias.empty() ? std::span<const float>{} : std::span<const float>(floats(bias), count(bias));
        LayerParams p;
        p.kernel = dim(w, 0);
        p.stride = v.stride;
        p.pad = r.pad >= 0 ? r.pad : p.kernel / 2;
        p.relu = r.relu;
        const int c_out = depthwise ? tv.channels : dim(w, 3);
        const int ho = conv_output_extent(tv.height, p.kernel, p.stride, p.pad);
        const int wo = conv_output_extent(tv.width, p.kernel, p.stride, p.pad);
        if (ho < 1 || wo < 1) throw Error("the input is smaller than the filter: the output would be empty");
        out_shape = {tv.batch, ho, wo, c_out};
        result = std::make_unique<float[]>(static_cast<std::size_t>(tv.batch) * ho * wo * c_out);
        const TensorView ov{result.get(), tv.batch, ho, wo, c_out};
        if (depthwise) {
            ran = depthwise_conv3x3(tv, {floats(w), count(w)}, b, p, ov, v.schedule);
        } else {
            LayerOptions o;
            o.algorithm = v.algorithm;
            o.schedule = v.schedule;
            ran = conv2d(tv, {floats(w), count(w)}, b, p, ov, o);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (ran != v.name) throw Error("asked for '" + v.name + "', the library ran '" + ran + "': not written");
    destination.commit(DType::f32, out_shape, result.get());
    if (r.json) {
        out << nlohmann::json{{"kernel", r.kernel}, {"variant", ran}, {"seconds", seconds}, {"output", r.out}}.dump()
            << "\n";
    } else if (r.verbose) {
        char line[200];
        std::snprintf(line, sizeof line, "ran %s in %.3f s", ran.c_str(), seconds);
        out << line << "\n";
    }
}

}  // namespace stencilforge::cli
