// The `tc_tf32` hand-written CUDA schedule: one stencil step as banded
// matrix products, f32 grids on the TF32 tensor cores
// (tensorcore/stencil_tc.cuh), instantiated for the catalog variants that
// use it (cuda_hw_tc_tf32_instances.inc is generated from catalog.json).
#include "tensorcore/stencil_tc_launch.cuh"

SF_DEFINE_CUDA_ENTRY(cuda_hw_tc_tf32, TensorCoreSchedule)

#include "cuda_hw_tc_tf32_instances.inc"
