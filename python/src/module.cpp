// The Python module stencilforge._core (nanobind): the catalog, stencil runs
// and the convolution calls on NumPy arrays without copies (DLPack arrays in
// CUDA memory for device runs), errors as stencilforge.Error with the
// library's messages. The Python package (python/stencilforge) re-exports it.
#include "stencilforge/stencilforge.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

namespace nb = nanobind;
namespace sf = stencilforge;

namespace {

using Array = nb::ndarray<nb::c_contig>;  // any dtype, any device: checked below with the library's words
using FloatArray = nb::ndarray<float, nb::c_contig, nb::device::cpu>;

// The caller's `out`, as it is: no implicit conversion, since a converted
// copy would receive the result instead of the caller's array.
template <typename T>
T out_array(nb::handle out, const char *want) {
    T a;
    if (!nb::try_cast<T>(out, a, /*convert=*/false)) {
        throw sf::Error(std::string("out must be a writable, C-contiguous ") + want + " array (it is not copied)");
    }
    return a;
}

sf::DType dtype_of(const Array &a, const std::string &what) {
    if (a.dtype() == nb::dtype<float>()) return sf::DType::f32;
    if (a.dtype() == nb::dtype<double>()) return sf::DType::f64;
    throw sf::Error(what + " must be float32 or float64");
}

std::vector<std::int64_t> extents_x_first(const Array &a) {
    std::vector<std::int64_t> e;
    for (std::size_t d = a.ndim(); d-- > 0;) e.push_back(static_cast<std::int64_t>(a.shape(d)));
    return e;
}

// A new C-order NumPy array that owns its memory.
template <typename T>
nb::ndarray<nb::numpy, T> new_array(const std::vector<std::size_t> &shape) {
    std::size_t n = 1;
    for (auto s : shape) n *= s;
    T *data = new T[n > 0 ? n : 1]();
    nb::capsule owner(data, [](void *p) noexcept { delete[] static_cast<T *>(p); });
    return nb::ndarray<nb::numpy, T>(data, shape.size(), shape.data(), owner);
}

nb::object run_stencil(const std::string &kernel, Array grid, int steps, const std::vector<double> &coefficients,
                       nb::object out_obj) {
    std::optional<Array> out;
    if (!out_obj.is_none()) out = out_array<Array>(out_obj, "float32 or float64");
    const sf::DType dtype = dtype_of(grid, "the grid");
    if (grid.ndim() != 2 && grid.ndim() != 3) {
        throw sf::Error("the grid must be 2-D (ny, nx) or 3-D (nz, ny, nx); it has " + std::to_string(grid.ndim()) +
                        " dimensions");
    }
    const auto extent = extents_x_first(grid);
    const bool on_cuda = grid.device_type() == nb::device::cuda::value;
    if (!on_cuda && grid.device_type() != nb::device::cpu::value) throw sf::Error("the grid is on an unsupported device");
    nb::object result;
    void *out_data = nullptr;
    if (out) {
        if (out->device_type() != grid.device_type()) throw sf::Error("out is on another device than the grid");
        if (dtype_of(*out, "out") != dtype || extents_x_first(*out) != extent) {
            throw sf::Error("out must have the grid's dtype and shape");
        }
        out_data = out->data();
        result = out_obj;
    } else {
        if (on_cuda) throw sf::Error("a grid in CUDA memory needs an `out` array in CUDA memory too");
        std::vector<std::size_t> shape(grid.shape_ptr(), grid.shape_ptr() + grid.ndim());
        if (dtype == sf::DType::f32) {
            auto a = new_array<float>(shape);
            out_data = a.data();
            result = nb::cast(a);
        } else {
            auto a = new_array<double>(shape);
            out_data = a.data();
            result = nb::cast(a);
        }
    }
    const sf::ConstGridView in(grid.data(), dtype, extent);
    const sf::GridView o(out_data, dtype, extent);
    {
        nb::gil_scoped_release release;
        if (on_cuda) {
            sf::run_on_device(sf::resolve_kernel(kernel, extent, steps, "cuda").name, in, o, steps, coefficients);
        } else {
            sf::run(kernel, in, o, steps, coefficients);
        }
    }
    return result;
}

nb::dict variant_dict(const sf::VariantInfo &v) {
    nb::dict d;
    d["name"] = v.name;
    d["shape"] = v.shape;
    d["pattern"] = sf::to_string(v.pattern);
    d["dims"] = v.dims;
    d["radius"] = v.radius;
    d["dtype"] = sf::to_string(v.dtype);
    d["schedule"] = v.schedule;
    d["engine"] = v.engine;
    d["depth"] = v.depth;
    d["device"] = v.device;
    d["runs_here"] = sf::device_available(v.device);
    d["coefficients"] = v.num_coefficients();
    d["description"] = v.description;
    return d;
}

nb::list list_kernels(std::optional<std::string> shape, std::optional<std::string> dtype,
                      std::optional<std::string> engine, bool runs_here) {
    nb::list l;
    for (const auto &v : sf::catalog()) {
        if ((shape && v.shape != *shape) || (dtype && sf::to_string(v.dtype) != *dtype) ||
            (engine && v.engine != *engine) || (runs_here && !sf::device_available(v.device))) {
            continue;
        }
        l.append(variant_dict(v));
    }
    return l;
}

nb::dict describe(const std::string &kernel) {
    const sf::VariantInfo *v = &sf::representative(kernel);  // throws with "did you mean"
    nb::dict d = variant_dict(*v);
    nb::list offsets;
    for (const auto &o : v->offsets()) {
        if (v->dims == 3) offsets.append(nb::make_tuple(o.dx, o.dy, o.dz));
        else offsets.append(nb::make_tuple(o.dx, o.dy));
    }
    d["offsets"] = offsets;  // coefficient order
    d["is_family"] = sf::is_family(kernel);
    return d;
}

nb::list list_conv() {
    nb::list l;
    for (const auto &v : sf::conv_catalog()) {
        nb::dict d;
        d["name"] = v.name;
        d["algorithm"] = v.algorithm;
        d["family"] = v.family;
        d["schedule"] = v.schedule;
        d["boundary"] = v.boundary;
        d["stride"] = v.stride;
        d["kernel_sizes"] = v.kernel_sizes;
        d["tolerance"] = v.tolerance;
        d["device"] = v.device;
        d["runs_here"] = sf::device_available(v.device);
        d["description"] = v.description;
        l.append(d);
    }
    return l;
}

sf::Boundary boundary_of(const std::string &name) {
    if (name == "zero") return sf::Boundary::zero;
    if (name == "constant") return sf::Boundary::constant;
    if (name == "clamp") return sf::Boundary::clamp;
    if (name == "mirror") return sf::Boundary::mirror;
    throw sf::Error("boundary '" + name + "' is not one of zero, constant, clamp, mirror");
}

// Images are (channels, height, width) or (height, width): planar, as ImageView.
sf::ConstImageView image_view(const FloatArray &a, const char *what) {
    if (a.ndim() == 2) return {a.data(), int(a.shape(1)), int(a.shape(0)), 1};
    if (a.ndim() == 3) return {a.data(), int(a.shape(2)), int(a.shape(1)), int(a.shape(0))};
    throw sf::Error(std::string(what) + " must be (height, width) or (channels, height, width) float32");
}

// An output array: the caller's `out` (checked against `shape`), or a new one.
struct Output {
    FloatArray array;
    nb::object object;  // what the call returns
};

Output output(const std::vector<std::size_t> &shape, nb::object out_obj) {
    if (!out_obj.is_none()) {
        FloatArray a = out_array<FloatArray>(out_obj, "float32");
        bool same = a.ndim() == shape.size();
        for (std::size_t d = 0; same && d < shape.size(); ++d) same = a.shape(d) == shape[d];
        if (!same) {
            std::string want;
            for (auto s : shape) want += (want.empty() ? "(" : ", ") + std::to_string(s);
            throw sf::Error("out must be a C-order float32 array of shape " + want + ")");
        }
        return {a, out_obj};
    }
    auto a = new_array<float>(shape);
    return {FloatArray(a.data(), shape.size(), shape.data(), nb::handle()), nb::cast(a)};
}

std::vector<std::size_t> shape_of(const FloatArray &a) { return {a.shape_ptr(), a.shape_ptr() + a.ndim()}; }

sf::ImageView mutable_image(FloatArray &a) {
    const sf::ConstImageView v = image_view(a, "out");
    return {a.data(), v.width, v.height, v.channels};
}

sf::FilterOptions filter_options(const std::string &boundary, float constant, const std::string &schedule) {
    sf::FilterOptions o;
    o.boundary = boundary_of(boundary);
    o.constant = constant;
    o.schedule = schedule;
    return o;
}

nb::object filter2d(FloatArray image, FloatArray kernel, const std::string &boundary, float constant,
                    const std::string &schedule, nb::object out) {
    if (kernel.ndim() != 2 || kernel.shape(0) != kernel.shape(1)) throw sf::Error("kernel must be a square (K, K) array");
    const sf::ConstImageView in = image_view(image, "image");
    Output o = output(shape_of(image), out);
    const sf::ImageView ov = mutable_image(o.array);
    const std::span<const float> k(kernel.data(), kernel.size());
    const auto opts = filter_options(boundary, constant, schedule);
    {
        nb::gil_scoped_release release;
        sf::filter2d(in, k, ov, opts);
    }
    return o.object;
}

nb::object sep_filter2d(FloatArray image, FloatArray row, FloatArray col, const std::string &boundary, float constant,
                        const std::string &schedule, nb::object out) {
    if (row.ndim() != 1 || col.ndim() != 1) throw sf::Error("row and col must be 1-D arrays");
    const sf::ConstImageView in = image_view(image, "image");
    Output o = output(shape_of(image), out);
    const sf::ImageView ov = mutable_image(o.array);
    const auto opts = filter_options(boundary, constant, schedule);
    {
        nb::gil_scoped_release release;
        sf::sep_filter2d(in, {row.data(), row.size()}, {col.data(), col.size()}, ov, opts);
    }
    return o.object;
}

// NHWC tensors: (batch, height, width, channels).
sf::ConstTensorView tensor_view(const FloatArray &a, const char *what) {
    if (a.ndim() != 4) throw sf::Error(std::string(what) + " must be an NHWC (batch, height, width, channels) float32 array");
    return {a.data(), int(a.shape(0)), int(a.shape(1)), int(a.shape(2)), int(a.shape(3))};
}

Output tensor_out(int n, int h, int w, int c, nb::object out) {
    if (n < 1 || h < 1 || w < 1 || c < 1) {
        throw sf::Error("the output would be (" + std::to_string(n) + ", " + std::to_string(h) + ", " + std::to_string(w) +
                        ", " + std::to_string(c) + "): the input is smaller than the filter");
    }
    return output({std::size_t(n), std::size_t(h), std::size_t(w), std::size_t(c)}, out);
}

sf::TensorView mutable_tensor(FloatArray &a) {
    return {a.data(), int(a.shape(0)), int(a.shape(1)), int(a.shape(2)), int(a.shape(3))};
}

std::span<const float> bias_span(const std::optional<FloatArray> &bias) {
    if (!bias) return {};
    if (bias->ndim() != 1) throw sf::Error("bias must be a 1-D array");
    return {bias->data(), bias->size()};
}

// HWIO weights (K, K, C_in, C_out).
void check_hwio(const FloatArray &w) {
    if (w.ndim() != 4 || w.shape(0) != w.shape(1)) throw sf::Error("weights must be HWIO (K, K, C_in, C_out) float32");
}

sf::LayerParams layer_params(int kernel, int stride, int pad, bool relu) {
    sf::LayerParams p;
    p.kernel = kernel;
    p.stride = stride;
    p.pad = pad;
    p.relu = relu;
    return p;
}

nb::object conv2d(FloatArray x, FloatArray weights, std::optional<FloatArray> bias, int stride, int pad, bool relu,
                  const std::string &algorithm, const std::string &schedule, nb::object out) {
    check_hwio(weights);
    const sf::ConstTensorView in = tensor_view(x, "x");
    const sf::LayerParams p = layer_params(int(weights.shape(0)), stride, pad, relu);
    const int ho = sf::conv_output_extent(in.height, p.kernel, stride, pad);
    const int wo = sf::conv_output_extent(in.width, p.kernel, stride, pad);
    Output o = tensor_out(in.batch, ho, wo, int(weights.shape(3)), out);
    const sf::TensorView ov = mutable_tensor(o.array);
    sf::LayerOptions opts;
    opts.algorithm = algorithm;
    opts.schedule = schedule;
    const std::span<const float> w(weights.data(), weights.size());
    const auto b = bias_span(bias);
    {
        nb::gil_scoped_release release;
        sf::conv2d(in, w, b, p, ov, opts);
    }
    return o.object;
}

nb::object depthwise(FloatArray x, FloatArray weights, std::optional<FloatArray> bias, int stride, int pad, bool relu,
                     const std::string &schedule, nb::object out) {
    if (weights.ndim() != 3 || weights.shape(0) != 3 || weights.shape(1) != 3) {
        throw sf::Error("weights must be (3, 3, C) float32");
    }
    const sf::ConstTensorView in = tensor_view(x, "x");
    const sf::LayerParams p = layer_params(3, stride, pad, relu);
    const int ho = sf::conv_output_extent(in.height, 3, stride, pad), wo = sf::conv_output_extent(in.width, 3, stride, pad);
    Output o = tensor_out(in.batch, ho, wo, in.channels, out);
    const sf::TensorView ov = mutable_tensor(o.array);
    const std::span<const float> w(weights.data(), weights.size());
    const auto b = bias_span(bias);
    {
        nb::gil_scoped_release release;
        sf::depthwise_conv3x3(in, w, b, p, ov, schedule);
    }
    return o.object;
}

// PreparedConv2d with its layer shape kept for sizing outputs.
struct PyPreparedConv2d {
    sf::PreparedConv2d layer;
    sf::LayerParams params;
    int c_out;

    nb::object run(FloatArray x, nb::object out) const {
        const sf::ConstTensorView in = tensor_view(x, "x");
        const int ho = sf::conv_output_extent(in.height, params.kernel, params.stride, params.pad);
        const int wo = sf::conv_output_extent(in.width, params.kernel, params.stride, params.pad);
        Output o = tensor_out(in.batch, ho, wo, c_out, out);
        const sf::TensorView ov = mutable_tensor(o.array);
        {
            nb::gil_scoped_release release;
            layer.run(in, ov);
        }
        return o.object;
    }
};

void init_prepared(PyPreparedConv2d *self, FloatArray weights, std::optional<FloatArray> bias, int stride, int pad,
                   bool relu, const std::string &algorithm, const std::string &schedule) {
    check_hwio(weights);
    sf::LayerOptions opts;
    opts.algorithm = algorithm;
    opts.schedule = schedule;
    const sf::LayerParams p = layer_params(int(weights.shape(0)), stride, pad, relu);
    new (self) PyPreparedConv2d{sf::PreparedConv2d(int(weights.shape(2)), int(weights.shape(3)),
                                                   {weights.data(), weights.size()}, bias_span(bias), p, opts),
                                p, int(weights.shape(3))};
}

}  // namespace

NB_MODULE(_core, m) {
    m.doc() = "stencilforge: Halide-generated stencil and convolution kernels";
    nb::exception<sf::Error>(m, "Error");
    m.attr("__version__") = sf::library_version();

    m.def("list", &list_kernels, nb::arg("shape") = nb::none(), nb::arg("dtype") = nb::none(),
          nb::arg("engine") = nb::none(), nb::arg("runs_here") = false,
          "The catalog's stencil kernels (dicts), optionally filtered.");
    m.def("list_conv", &list_conv, "The catalog's convolution kernels (dicts: algorithm, tolerance, ...).");
    m.def("families", &sf::families, "The stencil family names (<shape>_<dtype>): each runs the auto pick.");
    m.def("describe", &describe, nb::arg("kernel"), "A kernel's (or a family's) metadata and coefficient order.");
    m.def("run", &run_stencil, nb::arg("kernel"), nb::arg("grid"), nb::arg("steps"), nb::arg("coefficients"),
          nb::arg("out") = nb::none(),
          "Applies `steps` steps of `kernel` (a variant or a family) to `grid` ((ny, nx) or (nz, ny, nx), "
          "float32/float64, C order; no copy). Returns `out` (a new array when not given). A grid in CUDA "
          "memory (DLPack: CuPy, PyTorch) runs on the device and needs `out` there too.");
    m.def("filter2d", &filter2d, nb::arg("image"), nb::arg("kernel"), nb::arg("boundary") = "clamp",
          nb::arg("constant") = 0.0f, nb::arg("schedule") = "tiled", nb::arg("out") = nb::none(),
          "Correlation of a planar float32 image ((H, W) or (C, H, W)) with a (K, K) kernel, K odd <= 15.");
    m.def("sep_filter2d", &sep_filter2d, nb::arg("image"), nb::arg("row"), nb::arg("col"),
          nb::arg("boundary") = "clamp", nb::arg("constant") = 0.0f, nb::arg("schedule") = "tiled",
          nb::arg("out") = nb::none(), "The column filter applied to the row filter applied to the image.");
    m.def("conv2d", &conv2d, nb::arg("x"), nb::arg("weights"), nb::arg("bias") = nb::none(), nb::arg("stride") = 1,
          nb::arg("pad") = 1, nb::arg("relu") = false, nb::arg("algorithm") = "auto", nb::arg("schedule") = "tiled",
          nb::arg("out") = nb::none(),
          "A DNN layer on an NHWC float32 tensor with HWIO weights (K, K, C_in, C_out).");
    m.def("depthwise_conv3x3", &depthwise, nb::arg("x"), nb::arg("weights"), nb::arg("bias") = nb::none(),
          nb::arg("stride") = 1, nb::arg("pad") = 1, nb::arg("relu") = false, nb::arg("schedule") = "tiled",
          nb::arg("out") = nb::none(), "Depthwise 3x3 on NHWC float32 with weights (3, 3, C).");
    nb::class_<PyPreparedConv2d>(m, "PreparedConv2d",
                                 "A layer whose weights are prepared once (Winograd filters transformed) for repeated runs.")
        .def("__init__", &init_prepared, nb::arg("weights"), nb::arg("bias") = nb::none(), nb::arg("stride") = 1,
             nb::arg("pad") = 1, nb::arg("relu") = false, nb::arg("algorithm") = "auto", nb::arg("schedule") = "tiled")
        .def("run", &PyPreparedConv2d::run, nb::arg("x"), nb::arg("out") = nb::none())
        .def_prop_ro("variant", [](const PyPreparedConv2d &p) { return p.layer.variant(); });
}
