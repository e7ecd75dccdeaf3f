// The `stencilforge` command line as a function, so the executable, the
// tests and the fuzz harness all run the same code: parse `args` (without
// the program name), do the work, print to `out`/`err`, return the exit code.
#pragma once

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

namespace stencilforge::cli {

// Set (by a signal handler) to stop a running `run` before its next pass;
// the output file is then not written.
std::atomic<bool> &interrupt_flag();

int main(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

}  // namespace stencilforge::cli
