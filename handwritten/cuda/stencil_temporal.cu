// The `temporal` hand-written CUDA schedule's entry point, instantiated for every
// catalog variant that uses it (cuda_hw_temporal_instances.inc is generated from catalog.json).
#include "stencil_launch.cuh"

SF_DEFINE_CUDA_ENTRY(cuda_hw_temporal, TemporalSchedule)

#include "cuda_hw_temporal_instances.inc"
