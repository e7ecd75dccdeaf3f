// The reduced precisions the tensor-core variants compute in, and their
// rounding emulated on the CPU (round to nearest even on the mantissa), so
// the tests measure what a precision costs against the f64 reference on the
// same data without a GPU, and hold each variant to its documented bound.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace stencilforge::tensorcore {

enum class Precision { tf32, bf16, fp16, f64 };

constexpr int mantissa_bits(Precision p) {
    return p == Precision::tf32 ? 10 : p == Precision::bf16 ? 7 : p == Precision::fp16 ? 10 : 52;
}

constexpr std::string_view name(Precision p) {
    return p == Precision::tf32 ? "tf32" : p == Precision::bf16 ? "bf16" : p == Precision::fp16 ? "fp16" : "f64";
}

// `v` as the tensor core sees it after conversion from f32. fp16 also
// narrows the range (max 65504, subnormals below 2^-14); the emulation
// covers the mantissa only, which is what data of moderate magnitude (the
// tests' and the benchmark's) feels.
inline float round_to(Precision p, float v) {
    if (p == Precision::f64) return v;
    const int drop = 23 - mantissa_bits(p);
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const std::uint32_t half = 1u << (drop - 1), lsb = (bits >> drop) & 1u;
    bits = (bits + half - 1 + lsb) & ~((1u << drop) - 1);
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

}  // namespace stencilforge::tensorcore
