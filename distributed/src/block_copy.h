// Copying a box of cells between two dense grids (x fastest) of possibly
// different extents: rows of `size[0]` cells, one memcpy each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace stencilforge::distributed {

inline void copy_block(const void *src, const std::array<std::int64_t, 3> &src_extent,
                       const std::array<std::int64_t, 3> &src_start, void *dst,
                       const std::array<std::int64_t, 3> &dst_extent, const std::array<std::int64_t, 3> &dst_start,
                       const std::array<std::int64_t, 3> &size, std::size_t element) {
    const auto *s = static_cast<const std::byte *>(src);
    auto *d = static_cast<std::byte *>(dst);
    const std::size_t row = static_cast<std::size_t>(size[0]) * element;
    for (std::int64_t z = 0; z < size[2]; ++z) {
        for (std::int64_t y = 0; y < size[1]; ++y) {
            const std::int64_t si = src_start[0] + src_extent[0] * (src_start[1] + y + src_extent[1] * (src_start[2] + z));
            const std::int64_t di = dst_start[0] + dst_extent[0] * (dst_start[1] + y + dst_extent[1] * (dst_start[2] + z));
            std::memcpy(d + static_cast<std::size_t>(di) * element, s + static_cast<std::size_t>(si) * element, row);
        }
    }
}

}  // namespace stencilforge::distributed
