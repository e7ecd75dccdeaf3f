// Included first by each policy's generated unit, which the build compiles
// once per instruction set with SF_ISA_NAMESPACE (avx2, avx512) and that ISA's
// flags. Everything a policy defines goes in that namespace, so the two ISA
// builds never share a symbol the linker could pick the wrong one of.
#pragma once

#include "host_entry.h"

#include <cstddef>

#ifndef SF_ISA_NAMESPACE
#error "define SF_ISA_NAMESPACE (avx2, avx512) before including host_isa.h"
#endif

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

// A policy's scratch memory. Not std::vector: its members are inline
// templates outside this namespace, so each ISA build would emit its own weak
// copy of, say, vector<float>::resize, and the linker keeps one of them, which
// may be the AVX-512 build on a machine without AVX-512. Everything here is
// in the ISA's namespace (tests/isa_symbols_test.py checks the objects).
template <typename T>
class Scratch {
public:
    Scratch() = default;
    Scratch(const Scratch &) = delete;
    Scratch &operator=(const Scratch &) = delete;
    ~Scratch() { delete[] data_; }
    // Room for `n` values, contents unspecified; keeps the larger allocation.
    void reserve(std::size_t n) {
        if (n <= capacity_) return;
        delete[] data_;
        data_ = nullptr;  // a throwing new[] must not leave a dangling pointer
        data_ = new T[n];
        capacity_ = n;
    }
    T *data() { return data_; }

private:
    T *data_ = nullptr;
    std::size_t capacity_ = 0;
};

// A policy specializes this with `template <Pattern, int R, int D, typename T,
// int Depth> static void pass(const HostGrids<T> &)`.
template <class Policy>
struct HostPolicy;

template <class Policy, Pattern P, int R, int D, typename T, int Depth>
void host_pass(const HostGrids<T> &g) {
    HostPolicy<Policy>::template pass<P, R, D, T, Depth>(g);
}

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
