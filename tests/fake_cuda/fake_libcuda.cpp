// A stand-in libcuda.so.1 for the device probe's tests: one "GPU" whose
// driver version and compute capability SF_FAKE_CUDA chooses ("old_driver":
// CUDA 12.4; "sm75": capability 7.5; anything else: CUDA 13.0 and 9.0), so
// the refusal messages of devices.cpp are checked on a machine without a GPU.
#include <cstdlib>
#include <cstring>

namespace {
bool mode(const char *m) {
    const char *v = std::getenv("SF_FAKE_CUDA");
    return v && std::strcmp(v, m) == 0;
}
}  // namespace

extern "C" {
int cuInit(unsigned) { return 0; }
int cuDeviceGetCount(int *n) {
    *n = 1;
    return 0;
}
int cuDriverGetVersion(int *v) {
    *v = mode("old_driver") ? 12040 : 13000;
    return 0;
}
int cuDeviceGet(int *dev, int ordinal) {
    *dev = ordinal;
    return 0;
}
int cuDeviceGetAttribute(int *value, int attribute, int) {
    const bool sm75 = mode("sm75");
    if (attribute == 75) *value = sm75 ? 7 : 9;       // compute capability major
    else if (attribute == 76) *value = sm75 ? 5 : 0;  // minor
    else *value = 0;
    return 0;
}
}
