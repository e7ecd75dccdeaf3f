// The `run` request and its checks, shared by the one-process path (cli.cpp)
// and the distributed one (distributed_run.cpp, every rank under mpiexec).
#pragma once

#include "stencilforge/stencilforge.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace stencilforge::cli {

struct RunRequest {
    std::string kernel, in, out, coeffs;
    int steps = 1, threads = 0;
    bool in_place = false, verbose = false, json = false;  // json: what ran and the time, as JSON
    // Under mpiexec only: the process grid ("2x1", x first; empty: MPI's
    // choice), one kernel per rank (empty: --kernel on all), blocks sized by
    // each rank's measured rate, steps between halo exchanges (0: the depths').
    std::string procs;
    std::vector<std::string> rank_kernels;
    bool balance = false;
    int period = 0;
    // Convolution kernels: the filter (--weights; sepfilter: --row, --col),
    // the layer's bias, padding (-1: K/2), fused ReLU, the constant boundary's value.
    std::string weights, bias, row, col;
    int pad = -1;
    bool relu = false;
    double constant = 0;
};

// What check_run_request() read from the request.
struct RunInput {
    const VariantInfo *representative;  // the kernel, or any member of the family
    std::vector<double> coefficients;
};

// The kernel name, the coefficients (count included) and in != out unless
// --in-place: everything checked before any file is read.
RunInput check_run_request(const RunRequest &r);
// --out names the input file only with --in-place (both run paths).
void check_output_is_not_input(const RunRequest &r);
// The input file's dims and dtype against the kernel's.
void check_input_file(const VariantInfo &v, const npy::Header &header, const std::string &path);

// Extents, x first, from "4096x4096" or "256x256x128" (`option` names the flag in errors).
std::vector<std::int64_t> parse_grid(const std::string &text, const std::string &option = "--grid");
// "--coeffs a,b,c" strictly: every field a whole finite number.
std::vector<double> parse_coefficients(const std::string &text);

// The convolution kernel named `name`, or nullptr.
const ConvVariantInfo *find_conv_variant(const std::string &name);
// `run` on a convolution kernel (conv_run.cpp).
void run_conv_file(const ConvVariantInfo &v, const RunRequest &r, std::ostream &out);

// True when this process is one rank of an mpiexec launch; its rank there (0 otherwise).
bool launched_by_mpiexec();
int launch_rank();
// `run` on every rank of MPI_COMM_WORLD: each rank reads, computes and
// writes its block (distributed/); rank 0 prints.
void run_file_distributed(const RunRequest &r, std::ostream &out, std::ostream &err);

}  // namespace stencilforge::cli
