// How callers hand grids to stencilforge: GridView wraps memory the caller
// owns (dense, x fastest, no copy); Grid<T> owns its memory for convenience.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace stencilforge {

enum class DType { f32, f64 };

std::string to_string(DType dtype);
std::size_t size_of(DType dtype);

template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }

// A dense grid in caller-owned memory: element (x, y, z) lives at
// data[x + nx*(y + ny*z)]. `extent` lists nx, ny[, nz]: x first.
struct GridView {
    void *data = nullptr;
    DType dtype = DType::f32;
    int dims = 0;
    std::array<std::int64_t, 3> extent{1, 1, 1};

    GridView() = default;
    GridView(void *data, DType dtype, std::initializer_list<std::int64_t> extents);
    GridView(void *data, DType dtype, const std::vector<std::int64_t> &extents);
    template <typename T>
    GridView(T *data, std::initializer_list<std::int64_t> extents)
        : GridView(static_cast<void *>(data), dtype_of<T>(), extents) {}

    std::int64_t cells() const;
    std::size_t bytes() const { return static_cast<std::size_t>(cells()) * size_of(dtype); }
    std::string shape_string() const;  // e.g. "64x48" (x first)
};

// A read-only view of the input grid; converts implicitly from a GridView.
struct ConstGridView {
    const void *data = nullptr;
    DType dtype = DType::f32;
    int dims = 0;
    std::array<std::int64_t, 3> extent{1, 1, 1};

    ConstGridView() = default;
    ConstGridView(const GridView &v) : data(v.data), dtype(v.dtype), dims(v.dims), extent(v.extent) {}
    ConstGridView(const void *data, DType dtype, std::initializer_list<std::int64_t> extents)
        : ConstGridView(GridView(const_cast<void *>(data), dtype, extents)) {}
    ConstGridView(const void *data, DType dtype, const std::vector<std::int64_t> &extents)
        : ConstGridView(GridView(const_cast<void *>(data), dtype, extents)) {}
    template <typename T>
    ConstGridView(const T *data, std::initializer_list<std::int64_t> extents)
        : ConstGridView(static_cast<const void *>(data), dtype_of<T>(), extents) {}

    std::int64_t cells() const;
    std::size_t bytes() const { return static_cast<std::size_t>(cells()) * size_of(dtype); }
    std::string shape_string() const;
};

// An owning grid (64-byte aligned storage, zero-initialised).
template <typename T>
class Grid {
public:
    Grid(std::initializer_list<std::int64_t> extents) : extents_(extents) {
        std::int64_t n = 1;
        for (auto e : extents_) n *= e > 0 ? e : 0;
        storage_.resize(static_cast<std::size_t>(n) + kPad);
    }
    T *data() { return aligned(); }
    const T *data() const { return const_cast<Grid *>(this)->aligned(); }
    std::int64_t extent(int d) const { return extents_.at(d); }
    std::int64_t cells() const { return static_cast<std::int64_t>(storage_.size() - kPad); }
    T &operator[](std::int64_t i) { return data()[i]; }
    const T &operator[](std::int64_t i) const { return data()[i]; }
    GridView view() { return GridView(static_cast<void *>(data()), dtype_of<T>(), extents_); }
    ConstGridView view() const { return ConstGridView(view_mut()); }

private:
    static constexpr std::size_t kPad = 64 / sizeof(T);
    GridView view_mut() const { return const_cast<Grid *>(this)->view(); }
    T *aligned() {
        auto p = reinterpret_cast<std::uintptr_t>(storage_.data());
        return reinterpret_cast<T *>((p + 63) & ~std::uintptr_t(63));
    }
    std::vector<std::int64_t> extents_;
    std::vector<T> storage_;
};

}  // namespace stencilforge
