// Device discovery through the driver libraries' C entry points, loaded with
// dlopen so the library runs (host variants) where no driver is installed.
#include "stencilforge/devices.h"

#include <dlfcn.h>

#include <cstdint>
#include <mutex>

namespace stencilforge {

namespace {

struct Probe {
    bool ok = false;
    std::string why;
};

Probe probe_opencl() {
    void *lib = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libOpenCL.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return {false, "no libOpenCL (install an OpenCL ICD, e.g. pocl-opencl-icd)"};
    using GetPlatforms = std::int32_t (*)(std::uint32_t, void **, std::uint32_t *);
    auto get = reinterpret_cast<GetPlatforms>(dlsym(lib, "clGetPlatformIDs"));
    std::uint32_t n = 0;
    if (!get || get(0, nullptr, &n) != 0 || n == 0) return {false, "libOpenCL found, but no OpenCL platform"};
    return {true, std::to_string(n) + " OpenCL platform(s)"};
}

Probe probe_cuda() {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return {false, "no CUDA driver (libcuda.so.1)"};
    using Init = int (*)(unsigned);
    using Count = int (*)(int *);
    auto init = reinterpret_cast<Init>(dlsym(lib, "cuInit"));
    auto count = reinterpret_cast<Count>(dlsym(lib, "cuDeviceGetCount"));
    int n = 0;
    if (!init || !count || init(0) != 0 || count(&n) != 0 || n == 0) {
        return {false, "CUDA driver found, but no usable GPU"};
    }
    // A GPU the kernels cannot use counts as none, with the reason: every
    // CUDA variant is built for compute capability 8.0 and newer, and the
    // hand-written ones link a CUDA runtime that needs a driver at least as new.
    using Version = int (*)(int *);
    using Get = int (*)(int *, int);
    using Attribute = int (*)(int *, int, int);
    auto version = reinterpret_cast<Version>(dlsym(lib, "cuDriverGetVersion"));
    auto get = reinterpret_cast<Get>(dlsym(lib, "cuDeviceGet"));
    auto attribute = reinterpret_cast<Attribute>(dlsym(lib, "cuDeviceGetAttribute"));
#ifdef SF_CUDA_RUNTIME_VERSION
    const auto dotted = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };
    int driver = 0;
    if (version && version(&driver) == 0 && driver < SF_CUDA_RUNTIME_VERSION) {
        return {false, "the CUDA driver supports CUDA " + dotted(driver) + ", older than the CUDA " +
                           dotted(SF_CUDA_RUNTIME_VERSION) + " runtime this build links (update the driver)"};
    }
#else
    (void)version;
#endif
    int dev = 0, major = 0, minor = 0;
    constexpr int kMajor = 75, kMinor = 76;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR
    if (get && attribute && get(&dev, 0) == 0 && attribute(&major, kMajor, dev) == 0 &&
        attribute(&minor, kMinor, dev) == 0 && major < 8) {
        return {false, "GPU 0 has compute capability " + std::to_string(major) + "." + std::to_string(minor) +
                           "; the CUDA kernels are built for 8.0 and newer"};
    }
    return {true, std::to_string(n) + " CUDA device(s)"};
}

const Probe &probe(std::string_view device) {
    static std::once_flag once;
    static Probe opencl, cuda;
    std::call_once(once, [] {
        opencl = probe_opencl();
        cuda = probe_cuda();
    });
    static const Probe host{true, "the CPU"}, unknown{false, "unknown device API"};
    if (device == "host") return host;
    if (device == "opencl") return opencl;
    if (device == "cuda") return cuda;
    return unknown;
}

}  // namespace

bool device_available(std::string_view device) { return probe(device).ok; }

std::string describe_devices() {
    std::string out;
    for (const char *d : {"host", "opencl", "cuda"}) {
        out += (out.empty() ? "" : "; ") + std::string(d) + ": " + (probe(d).ok ? "yes, " : "no, ") + probe(d).why;
    }
    return out;
}

}  // namespace stencilforge
