// What both run paths (one process, and every rank under mpiexec) share:
// the request, its checks, and the parsers of the grid and coefficients.
#include "run_input.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace stencilforge::cli {

namespace fs = std::filesystem;

// Extents, x first, from "4096x4096" or "256x256x128".
std::vector<std::int64_t> parse_grid(const std::string &text, const std::string &option) {
    std::vector<std::int64_t> e;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('x', start), text.size());
        std::int64_t x = 0;
        const auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + end, x);
        if (ec != std::errc() || ptr != text.data() + end || x < 1) {
            throw Error(option + " '" + text + "' is not extents like 4096x4096 or 256x256x128 (positive, x first)");
        }
        e.push_back(x);
        start = end + 1;
    }
    if (e.size() < 2 || e.size() > 3) throw Error(option + " '" + text + "' must have 2 or 3 extents");
    return e;
}

// "--coeffs a,b,c" strictly: every field a whole finite number (CLI11's
// vector parsing drops empty fields and takes 1e999 as infinity).
std::vector<double> parse_coefficients(const std::string &text) {
    std::vector<double> c;
    std::size_t start = 0;
    for (int field = 1;; ++field) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        std::string_view f(text.data() + start, end - start);
        while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
        while (!f.empty() && f.back() == ' ') f.remove_suffix(1);
        const std::string where = "--coeffs field " + std::to_string(field);
        if (f.empty()) throw Error(where + " is empty");
        if (f.front() == '+') f.remove_prefix(1);  // from_chars takes no leading '+'
        double x = 0;
        const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), x);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(x))) {
            throw Error(where + " ('" + std::string(f) + "') is not a finite number");
        }
        if (ec != std::errc() || ptr != f.data() + f.size()) {
            throw Error(where + " ('" + std::string(f) + "') is not a number");
        }
        c.push_back(x);
        if (end == text.size()) return c;
        start = end + 1;
    }
}

const ConvVariantInfo *find_conv_variant(const std::string &name) {
    for (const auto &v : conv_catalog()) {
        if (v.name == name) return &v;
    }
    return nullptr;
}

RunInput check_run_request(const RunRequest &r) {
    // Everything the user typed, checked before the input is read (a
    // family's members share dims, dtype and coefficients).
    const VariantInfo &kernel = representative(r.kernel);
    if (r.coeffs.empty()) {
        throw Error("kernel '" + kernel.name + "' needs --coeffs (" + std::to_string(kernel.num_coefficients()) +
                    " weights, one per offset; `stencilforge describe " + kernel.name + "`)");
    }
    for (const std::string *conv_only : {&r.weights, &r.bias, &r.row, &r.col}) {
        if (!conv_only->empty()) throw Error("--weights, --bias, --row and --col are for convolution kernels");
    }
    RunInput in{&kernel, parse_coefficients(r.coeffs)};
    const VariantInfo &v = *in.representative;
    if (static_cast<int>(in.coefficients.size()) != v.num_coefficients()) {
        throw Error("kernel '" + v.name + "' needs " + std::to_string(v.num_coefficients()) +
                    " coefficients (one per offset; `stencilforge describe " + v.name + "`), --coeffs gives " +
                    std::to_string(in.coefficients.size()));
    }
    check_output_is_not_input(r);
    return in;
}

void check_output_is_not_input(const RunRequest &r) {
    std::error_code ec;
    if (!r.in_place && fs::exists(r.out, ec) && fs::equivalent(r.in, r.out, ec)) {
        throw Error("'" + r.out + "' is the input file; pass --in-place to replace it with the result");
    }
}

bool launched_by_mpiexec() {
    // OpenMPI's launcher sets the first, PMIx-based and MPICH/Hydra launchers the others.
    for (const char *v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
        if (std::getenv(v)) return true;
    }
    return false;
}

int launch_rank() {
    for (const char *v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
        if (const char *value = std::getenv(v)) return std::atoi(value);
    }
    return 0;
}

void check_input_file(const VariantInfo &v, const npy::Header &header, const std::string &path) {
    if (static_cast<int>(header.shape.size()) != v.dims) {
        throw Error("kernel '" + v.name + "' is " + std::to_string(v.dims) + "-D: it needs an " +
                    (v.dims == 2 ? "(ny, nx)" : "(nz, ny, nx)") + " array; '" + path + "' holds a " +
                    std::to_string(header.shape.size()) + "-D one");
    }
    if (header.dtype != v.dtype) {
        throw Error("'" + path + "' holds " + npy::numpy_name(header.dtype) + " data; kernel '" + v.name + "' needs " +
                    npy::numpy_name(v.dtype) + " (" + to_string(v.dtype) + ")");
    }
}

#ifndef SF_WITH_MPI
void run_file_distributed(const RunRequest &, std::ostream &, std::ostream &) {
    throw Error("this stencilforge was built without MPI, so under mpiexec every rank would run the whole grid; "
                "rebuild with MPI (libopenmpi-dev) for distributed runs");
}
#endif

}  // namespace stencilforge::cli
