// The `stencilforge` executable: SIGINT and SIGTERM ask a running `run` to
// stop before its next pass (the output file is then left as it was); the
// commands themselves are in cli/cli.cpp.
#include "cli/cli.h"

#include <csignal>
#include <iostream>

namespace {
extern "C" void on_signal(int) { stencilforge::cli::interrupt_flag().store(true); }
}  // namespace

int main(int argc, char **argv) {
    struct sigaction sa = {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return stencilforge::cli::main(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
