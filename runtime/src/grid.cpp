// GridView helpers.
#include "stencilforge/grid.h"

#include <cstdint>
#include <stdexcept>

namespace stencilforge {

std::string to_string(DType dtype) { return dtype == DType::f32 ? "f32" : "f64"; }
std::size_t size_of(DType dtype) { return dtype == DType::f32 ? 4 : 8; }

GridView::GridView(void *data, DType dtype, std::initializer_list<std::int64_t> extents)
    : GridView(data, dtype, std::vector<std::int64_t>(extents)) {}

GridView::GridView(void *data, DType dtype, const std::vector<std::int64_t> &extents)
    : data(data), dtype(dtype), dims(static_cast<int>(extents.size())) {
    // More than 3 dimensions is recorded as is; run() rejects it with a message.
    for (int d = 0; d < dims && d < 3; ++d) extent[d] = extents[d];
}

// Saturates at INT64_MAX instead of overflowing: run() refuses a grid whose
// byte count a pointer cannot address, so a huge shape is an Error, not UB.
static std::int64_t count_cells(int dims, const std::array<std::int64_t, 3> &extent) {
    std::int64_t n = 1;
    for (int d = 0; d < dims && d < 3; ++d) {
        if (__builtin_mul_overflow(n, extent[d] > 0 ? extent[d] : 0, &n)) return INT64_MAX;
    }
    return n;
}

static std::string shape_of(int dims, const std::array<std::int64_t, 3> &extent) {
    std::string s;
    for (int d = 0; d < dims && d < 3; ++d) s += (d ? "x" : "") + std::to_string(extent[d]);
    return s.empty() ? "(0-d)" : s;
}

std::int64_t GridView::cells() const { return count_cells(dims, extent); }
std::string GridView::shape_string() const { return shape_of(dims, extent); }
std::int64_t ConstGridView::cells() const { return count_cells(dims, extent); }
std::string ConstGridView::shape_string() const { return shape_of(dims, extent); }

}  // namespace stencilforge
