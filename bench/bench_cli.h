// What both benchmark binaries do with their command line: CLI11 takes the
// suite's own options, everything else is handed on to Google Benchmark.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace stencilforge::bench {

class BenchmarkArgs {
public:
    // The arguments `app` left over, after argv0: what benchmark::Initialize takes.
    BenchmarkArgs(const CLI::App &app, char *argv0) : rest_(app.remaining()), argv_{argv0} {
        for (auto &s : rest_) argv_.push_back(s.data());
        argc_ = static_cast<int>(argv_.size());
    }
    int *argc() { return &argc_; }
    char **argv() { return argv_.data(); }

private:
    std::vector<std::string> rest_;
    std::vector<char *> argv_;
    int argc_ = 0;
};

}  // namespace stencilforge::bench
