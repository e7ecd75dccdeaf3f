// Internal: what every call into a compiled Halide pipeline needs first (the
// CPU hooks that pick the ISA, the error capture), and the message a failing
// pipeline left, for the Error the runtime throws.
#pragma once

#include <string>

namespace stencilforge::detail {

// Checks the CPU (an Error without AVX2 + FMA), installs the hooks once and
// clears the last message; call before a pipeline.
void prepare_halide_call();
// What the last failing pipeline on this thread reported ("" if nothing).
const std::string &last_halide_error();
// " (Halide error <rc>): <last message>", or without the message when there
// is none: the tail of every kernel-failure Error.
std::string halide_failure(int rc);

}  // namespace stencilforge::detail
