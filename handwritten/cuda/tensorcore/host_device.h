// SF_HOST_DEVICE: functions the tensor-core kernels and the CPU tests share
// (compiled for both sides under nvcc, plain C++ elsewhere).
#pragma once

#ifdef __CUDACC__
#define SF_HOST_DEVICE __host__ __device__
#else
#define SF_HOST_DEVICE
#endif
