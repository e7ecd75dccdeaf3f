// What both benchmark binaries share around Google Benchmark: the command
// line (CLI11 takes the suite's own options, the rest goes on to Google
// Benchmark) and the check-and-warm-up done once per benchmark.
#pragma once

#include "stencilforge/cpu.h"

#include <benchmark/benchmark.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <functional>
#include <string>
#include <thread>
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

// The --threads option as both suites take it: `requested`, or every
// hardware thread when it is 0 or less, pinned for Halide and OpenMP.
inline int use_threads(int requested) {
    const int threads = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
    set_num_threads(threads);
    return threads;
}

// Google Benchmark calls a benchmark once per repetition: `prepare` (the
// check against the reference and the warm-up; it returns a refusal or "")
// runs on the first call for `id` only. False, with the benchmark skipped,
// when it refused or threw. `id`: the benchmark's name (this Google
// Benchmark's State does not carry it).
inline bool prepared(benchmark::State &state, const std::string &id, const std::function<std::string()> &prepare) {
    static std::string last, refusal;
    if (last != id) {
        last = id;
        try {
            refusal = prepare();
        } catch (const std::exception &e) {
            refusal = std::string("refused: ") + e.what();
        }
    }
    if (!refusal.empty()) state.SkipWithError(refusal.c_str());
    return refusal.empty();
}

}  // namespace stencilforge::bench
