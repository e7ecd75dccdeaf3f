// Included first by each policy's generated unit, which the build compiles
// once per instruction set with SF_ISA_NAMESPACE (avx2, avx512) and that ISA's
// flags. Everything a policy defines goes in that namespace, so the two ISA
// builds never share a symbol the linker could pick the wrong one of.
#pragma once

#include "host_entry.h"

#ifndef SF_ISA_NAMESPACE
#error "define SF_ISA_NAMESPACE (avx2, avx512) before including host_isa.h"
#endif

namespace stencilforge::handwritten::SF_ISA_NAMESPACE {

// A policy specializes this with `template <Pattern, int R, int D, typename T,
// int Depth> static void pass(const HostGrids<T> &)`.
template <class Policy>
struct HostPolicy;

template <class Policy, Pattern P, int R, int D, typename T, int Depth>
void host_pass(const HostGrids<T> &g) {
    HostPolicy<Policy>::template pass<P, R, D, T, Depth>(g);
}

}  // namespace stencilforge::handwritten::SF_ISA_NAMESPACE
