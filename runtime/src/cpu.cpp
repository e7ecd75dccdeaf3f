// CPU feature detection, the ISA limit, and the thread count. Halide's
// multi-target kernels ask halide_can_use_target_features() which build to
// run; the hook below makes them honour limit_cpu_isa() too.
#include "stencilforge/cpu.h"
#include "stencilforge/error.h"

#include "HalideRuntime.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <omp.h>

namespace stencilforge {

namespace {

// The limit starts from STENCILFORGE_CPU_ISA (avx2 | avx512) when set.
int initial_limit() {
    const char *env = std::getenv("STENCILFORGE_CPU_ISA");
    if (!env || !*env || std::strcmp(env, "avx512") == 0) return static_cast<int>(CpuIsa::avx512);
    if (std::strcmp(env, "avx2") == 0) return static_cast<int>(CpuIsa::avx2);
    throw Error(std::string("STENCILFORGE_CPU_ISA must be avx2 or avx512, got '") + env + "'");
}

std::atomic<int> g_limit{-1};
std::atomic<bool> g_kernels_ran{false};

int limit() {
    int l = g_limit.load();
    if (l < 0) {
        l = initial_limit();
        g_limit = l;
    }
    return l;
}

bool asks_for_avx512(int count, const std::uint64_t *features) {
    const int avx512_features[] = {
        halide_target_feature_avx512,          halide_target_feature_avx512_knl,
        halide_target_feature_avx512_skylake,  halide_target_feature_avx512_cannonlake,
        halide_target_feature_avx512_sapphirerapids, halide_target_feature_avx512_zen4,
        halide_target_feature_avx512_zen5,
    };
    for (int f : avx512_features) {
        const int word = f / 64;
        if (word < count && (features[word] >> (f % 64)) & 1) return true;
    }
    return false;
}

int can_use_target_features(int count, const std::uint64_t *features) {
    if (active_cpu_isa() != CpuIsa::avx512 && asks_for_avx512(count, features)) return 0;
    return halide_default_can_use_target_features(count, features);
}

}  // namespace

namespace detail {
void ensure_cpu_hooks() {
    limit();  // a bad STENCILFORGE_CPU_ISA fails here, before any kernel runs
    g_kernels_ran = true;
    static const bool installed = [] {
        halide_set_custom_can_use_target_features(can_use_target_features);
        return true;
    }();
    (void)installed;
}
}  // namespace detail

std::string to_string(CpuIsa isa) { return isa == CpuIsa::avx512 ? "avx512" : "avx2"; }

CpuIsa detected_cpu_isa() {
    static const CpuIsa isa = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
                                  ? CpuIsa::avx512
                                  : CpuIsa::avx2;
    return isa;
}

void limit_cpu_isa(CpuIsa max) {
    // Halide's multi-target wrapper picks its build on a kernel's first call and
    // keeps it, so a later change would apply to some kernels and not others.
    if (g_kernels_ran && static_cast<int>(max) != limit()) {
        throw Error("limit_cpu_isa() must be called before the first run() in this process");
    }
    g_limit = static_cast<int>(max);
}

CpuIsa active_cpu_isa() {
    return static_cast<int>(detected_cpu_isa()) < limit() ? detected_cpu_isa() : static_cast<CpuIsa>(limit());
}

void set_num_threads(int threads) {
    if (threads < 1) threads = 1;
    halide_set_num_threads(threads);
    omp_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace stencilforge
