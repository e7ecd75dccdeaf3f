// Which compute devices this process can use: the host always; an OpenCL
// platform (a GPU's driver, or PoCL on the CPU) and a CUDA GPU when their
// driver libraries load and report at least one device. The catalog's
// VariantInfo::device says which one a variant needs; run() refuses a variant
// whose device is missing with an Error instead of failing inside a driver.
#pragma once

#include <string>
#include <string_view>

namespace stencilforge {

bool device_available(std::string_view device);  // "host", "opencl", "cuda"

// One line: per device API, whether it is usable here and why not.
std::string describe_devices();

}  // namespace stencilforge
