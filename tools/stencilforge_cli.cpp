// The `stencilforge` command-line tool: `list` prints the catalog (`list-conv`
// its convolution kernels), `describe`
// one kernel's coefficient order, `run` applies a kernel to a .npy grid.
// .npy files hold C-order arrays of shape (ny, nx) or (nz, ny, nx): x is the
// last numpy axis, which is the unit-stride dimension stencilforge expects.
#include "stencilforge/stencilforge.h"

#include "HalideBuffer.h"
#include "halide_image_io.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace stencilforge;

void print_catalog(bool as_json) {
    if (as_json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto &v : catalog()) {
            j.push_back({{"name", v.name}, {"shape", v.shape}, {"pattern", to_string(v.pattern)}, {"dims", v.dims},
                         {"radius", v.radius}, {"dtype", to_string(v.dtype)}, {"schedule", v.schedule},
                         {"engine", v.engine}, {"depth", v.depth}, {"coefficients", v.num_coefficients()},
                         {"autoscheduler", v.autoscheduler}, {"device", v.device},
                         {"runs_here", device_available(v.device)}, {"description", v.description}});
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::printf("%-33s %-9s %-5s %-17s %-12s %5s %6s  %s\n", "kernel", "shape", "dtype", "schedule", "engine", "depth",
                "coeffs", "runs here");
    for (const auto &v : catalog()) {
        std::printf("%-33s %-9s %-5s %-17s %-12s %5d %6d  %s\n", v.name.c_str(), v.shape.c_str(),
                    to_string(v.dtype).c_str(), v.schedule.c_str(), v.engine.c_str(), v.depth, v.num_coefficients(),
                    device_available(v.device) ? "yes" : ("no (needs " + v.device + ")").c_str());
    }
}

void print_conv_catalog(bool as_json) {
    nlohmann::json j = nlohmann::json::array();
    if (!as_json) std::printf("%-34s %-19s %-9s %-6s %-9s %-6s %-9s  %s\n", "kernel", "algorithm", "family", "sched",
                              "boundary", "stride", "tolerance", "K");
    for (const auto &v : conv_catalog()) {
        std::string sizes;
        for (int k : v.kernel_sizes) sizes += (sizes.empty() ? "" : ",") + std::to_string(k);
        if (sizes.empty()) sizes = "odd 1-15";
        if (as_json) {
            j.push_back({{"name", v.name}, {"algorithm", v.algorithm}, {"family", v.family}, {"schedule", v.schedule},
                         {"boundary", v.boundary}, {"stride", v.stride}, {"kernel_sizes", v.kernel_sizes},
                         {"tolerance", v.tolerance}, {"description", v.description}});
        } else {
            std::printf("%-34s %-19s %-9s %-6s %-9s %-6d %-9.0e  %s\n", v.name.c_str(), v.algorithm.c_str(),
                        v.family.c_str(), v.schedule.c_str(), v.boundary.empty() ? "-" : v.boundary.c_str(), v.stride,
                        v.tolerance, sizes.c_str());
        }
    }
    if (as_json) std::cout << j.dump(2) << "\n";
}

void describe(const std::string &name) {
    const VariantInfo &v = require_variant(name);
    std::cout << v.name << ": " << v.description << "\n"
              << "coefficient order (" << v.num_coefficients() << " weights, one per offset):\n";
    int j = 0;
    for (const auto &o : v.offsets()) {
        std::cout << "  c[" << j++ << "] offset dx=" << o.dx << " dy=" << o.dy;
        if (v.dims == 3) std::cout << " dz=" << o.dz;
        std::cout << "\n";
    }
}

void run_file(const std::string &name, const std::string &in_path, const std::string &out_path, int steps,
              const std::vector<double> &coeffs) {
    const VariantInfo &v = require_variant(name);
    Halide::Runtime::Buffer<> input;
    if (!Halide::Tools::load(in_path, &input)) throw Error("cannot read '" + in_path + "' as .npy");
    const halide_type_t want = v.dtype == DType::f32 ? halide_type_t(halide_type_float, 32)
                                                     : halide_type_t(halide_type_float, 64);
    if (input.type() != want) {
        throw Error("'" + in_path + "' holds " + (input.type().code == halide_type_float ? "float" : "non-float") +
                    std::to_string(input.type().bits) + " data; kernel '" + name + "' needs " + to_string(v.dtype));
    }
    // load_npy keeps numpy's shape order in its extents over x-fastest memory,
    // so stencilforge's extents are the reversed numpy shape.
    std::vector<std::int64_t> extents;
    for (int d = input.dimensions() - 1; d >= 0; --d) extents.push_back(input.dim(d).extent());
    std::vector<int> sizes;
    for (int d = 0; d < input.dimensions(); ++d) sizes.push_back(input.dim(d).extent());
    Halide::Runtime::Buffer<> output(input.type(), sizes);

    run(name, ConstGridView(input.data(), v.dtype, extents), GridView(output.data(), v.dtype, extents), steps,
        coeffs);
    // Written to a sibling file and renamed, so a failed write leaves no half file.
    const std::string tmp = out_path + ".partial.npy";
    if (!Halide::Tools::save(output, tmp)) {
        std::filesystem::remove(tmp);
        throw Error("cannot write '" + out_path + "'");
    }
    std::filesystem::rename(tmp, out_path);
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"stencilforge: Halide-generated stencil kernels"};
    app.require_subcommand(1);

    auto *list = app.add_subcommand("list", "List every kernel in the catalog");
    bool as_json = false;
    list->add_flag("--json", as_json, "Print the catalog as JSON");

    auto *list_conv = app.add_subcommand("list-conv", "List every convolution kernel (filters, layers) in the catalog");
    list_conv->add_flag("--json", as_json, "Print them as JSON");

    auto *desc = app.add_subcommand("describe", "Show a kernel's coefficient order");
    std::string desc_kernel;
    desc->add_option("kernel", desc_kernel, "Kernel name")->required();

    auto *devices = app.add_subcommand("devices", "Which compute devices (host, OpenCL, CUDA) this machine has");

    auto *runc = app.add_subcommand("run", "Apply a kernel to a .npy grid and write the result as .npy");
    std::string kernel, in_path, out_path;
    int steps = 1, threads = 0;
    std::vector<double> coeffs;
    runc->add_option("-k,--kernel", kernel, "Kernel name (see `stencilforge list`)")->required();
    runc->add_option("-i,--in", in_path, "Input .npy (float32/float64, shape (ny,nx) or (nz,ny,nx))")
        ->required()
        ->check(CLI::ExistingFile);
    runc->add_option("-o,--out", out_path, "Output .npy (written only on success)")->required();
    runc->add_option("-s,--steps", steps, "Number of steps (>= 0)")->check(CLI::NonNegativeNumber);
    runc->add_option("-c,--coeffs", coeffs, "Weights, one per offset, comma separated (see `describe`)")
        ->required()
        ->delimiter(',');
    runc->add_option("-t,--threads", threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);

    CLI11_PARSE(app, argc, argv);
    try {
        if (*list) print_catalog(as_json);
        if (*list_conv) print_conv_catalog(as_json);
        if (*desc) describe(desc_kernel);
        if (*devices) std::cout << describe_devices() << "\n";
        if (*runc) {
            if (threads > 0) set_num_threads(threads);
            run_file(kernel, in_path, out_path, steps, coeffs);
        }
    } catch (const std::exception &e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
