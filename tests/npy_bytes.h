// A .npy file's bytes built by hand, independently of npy::header_for, for
// the tests that feed the reader numpy's format and hostile variants of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sf_test {

// Version 1 or 2/3 preamble (header length `claimed_len` when nonzero, else
// the true one), the dict text as given padded as numpy pads it, then
// `payload` bytes of a recognisable pattern.
inline std::string npy_bytes(const std::string &dict, std::size_t payload, int major = 1,
                             std::uint64_t claimed_len = 0) {
    std::string h = dict;
    const std::size_t pre = major == 1 ? 10 : 12;
    while ((pre + h.size() + 1) % 64) h += ' ';
    h += '\n';
    const std::uint64_t len = claimed_len ? claimed_len : h.size();
    std::string s = "\x93NUMPY";
    s += static_cast<char>(major);
    s += '\0';
    for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) s += static_cast<char>((len >> (8 * i)) & 0xff);
    s += h;
    for (std::size_t i = 0; i < payload; ++i) s += static_cast<char>(i * 7 + 1);
    return s;
}

}  // namespace sf_test
