// The error capture behind halide_call.h: Halide reports a failure through
// its error handler, once per thread, before the pipeline returns nonzero.
#include "halide_call.h"

#include "HalideRuntime.h"
#include "stencilforge/error.h"

namespace stencilforge::detail {

void ensure_cpu_hooks();

namespace {
thread_local std::string t_halide_error;
void capture_halide_error(void *, const char *msg) { t_halide_error = msg ? msg : ""; }
}  // namespace

void prepare_halide_call() {
    // Every kernel's baseline target is AVX2 + FMA; on an older CPU Halide's
    // dispatch would fall through to it and fault.
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        throw Error("stencilforge needs a CPU with AVX2 and FMA (x86-64-v3)");
    }
    ensure_cpu_hooks();
    static const bool installed = [] {
        halide_set_error_handler(capture_halide_error);
        return true;
    }();
    (void)installed;
    t_halide_error.clear();
}

const std::string &last_halide_error() { return t_halide_error; }

std::string halide_failure(int rc) {
    return " (Halide error " + std::to_string(rc) + (t_halide_error.empty() ? ")" : "): " + t_halide_error);
}

}  // namespace stencilforge::detail
