// `stencilforge bench`'s problem descriptor and command (bench_command.cpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace stencilforge::cli {

struct BenchRequest {
    std::vector<std::string> kernels;  // variants or families
    std::string grid = "4096x4096";
    int steps = 8, threads = 0, reps = 5;
    std::string mode = "both";  // corr, perf or both
    bool json = false;
};

// Returns the exit code: 1 when a correctness check failed.
int bench_command(const BenchRequest &b, std::ostream &out);

}  // namespace stencilforge::cli
