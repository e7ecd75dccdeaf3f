// The `tc_dmma` hand-written CUDA schedule: one stencil step as banded
// matrix products, f64 grids on the FP64 tensor cores (DMMA)
// (tensorcore/stencil_tc.cuh), instantiated for the catalog variants that
// use it (cuda_hw_tc_dmma_instances.inc is generated from catalog.json).
#include "tensorcore/stencil_tc_launch.cuh"

SF_DEFINE_CUDA_ENTRY(cuda_hw_tc_dmma, TensorCoreSchedule)

#include "cuda_hw_tc_dmma_instances.inc"
