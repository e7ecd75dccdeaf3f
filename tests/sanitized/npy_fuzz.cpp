// libFuzzer harness for the .npy reader: any bytes either parse into an array
// whose size the bytes really hold, or give an Error; an array that parses
// writes back to a header that parses to the same shape and dtype.
#include "stencilforge/npy.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace stencilforge;
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte *>(data), size);
    try {
        const npy::Array a = npy::from_bytes(bytes, "fuzz.npy");
        if (a.header.data_offset + a.header.payload_bytes != size) __builtin_trap();
        const std::string header = npy::header_for(a.header.dtype, a.header.shape);
        std::string again = header;
        again.append(reinterpret_cast<const char *>(a.data.get()), a.header.payload_bytes);
        const npy::Array b = npy::from_bytes({reinterpret_cast<const std::byte *>(again.data()), again.size()}, "again");
        if (b.header.shape != a.header.shape || b.header.dtype != a.header.dtype ||
            std::memcmp(a.data.get(), b.data.get(), a.header.payload_bytes) != 0 || header.size() % 64 != 0 ||
            header.back() != '\n') {
            __builtin_trap();
        }
    } catch (const Error &) {
    }
    return 0;
}
