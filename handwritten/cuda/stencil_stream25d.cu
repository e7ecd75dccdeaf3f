// The `stream25d` hand-written CUDA schedule's entry point, instantiated for every
// catalog variant that uses it (cuda_hw_stream25d_instances.inc is generated from catalog.json).
#include "stencil_launch.cuh"

SF_DEFINE_CUDA_ENTRY(cuda_hw_stream25d, Stream25dSchedule)

#include "cuda_hw_stream25d_instances.inc"
