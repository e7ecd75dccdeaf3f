// One instruction-set build of the hand-written baseline: compiled once per ISA
// with SF_ISA_NAMESPACE and that ISA's flags; instantiates the loop nest for
// every shape the catalog lists (omp_instances.inc is generated from catalog.json).
#include "stencil_omp_kernel.h"

#define SF_OMP_INSTANCE(P, R, D, T)                                                                           \
    template void stencilforge::handwritten::SF_ISA_NAMESPACE::omp_kernel<P, R, D, T>(                       \
        const T *, T *, std::int64_t, std::int64_t, std::int64_t, const T *);
#include "omp_instances.inc"
