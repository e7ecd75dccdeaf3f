// The error capture behind halide_call.h: Halide reports a failure through
// its error handler, once per thread, before the pipeline returns nonzero.
#include "halide_call.h"

#include "HalideRuntime.h"

namespace stencilforge::detail {

void ensure_cpu_hooks();

namespace {
thread_local std::string t_halide_error;
void capture_halide_error(void *, const char *msg) { t_halide_error = msg ? msg : ""; }
}  // namespace

void prepare_halide_call() {
    ensure_cpu_hooks();
    static const bool installed = [] {
        halide_set_error_handler(capture_halide_error);
        return true;
    }();
    (void)installed;
    t_halide_error.clear();
}

const std::string &last_halide_error() { return t_halide_error; }

}  // namespace stencilforge::detail
