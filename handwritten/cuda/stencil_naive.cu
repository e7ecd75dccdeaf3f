// The `naive` hand-written CUDA schedule's entry point, instantiated for every
// catalog variant that uses it (cuda_hw_naive_instances.inc is generated from catalog.json).
#include "stencil_launch.cuh"

SF_DEFINE_CUDA_ENTRY(cuda_hw_naive, NaiveSchedule)

#include "cuda_hw_naive_instances.inc"
