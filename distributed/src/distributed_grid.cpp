// A rank's block with its halo: two dense local buffers (the current values
// and the one the next pass writes), and copies of the owned block in and out.
#include "block_copy.h"
#include "mpi_util.h"
#include "stencilforge/distributed.h"
#include "stencilforge/error.h"

#include <algorithm>

namespace stencilforge::distributed {

namespace {

std::vector<std::int64_t> extents_of(const Box &b, int dims) {
    std::vector<std::int64_t> e;
    for (int d = 0; d < dims; ++d) e.push_back(b.extent(d));
    return e;
}

void check_owned(const Decomposition &d, DType dtype, const void *data, DType got_dtype, int dims,
                 const std::array<std::int64_t, 3> &extent, const char *what) {
    const Box &o = d.owned();
    if (!data) throw Error(std::string(what) + ": null data");
    if (got_dtype != dtype) throw Error(std::string(what) + ": dtype " + to_string(got_dtype) + ", the grid's is " + to_string(dtype));
    bool same = dims == d.dims();
    for (int i = 0; i < d.dims() && same; ++i) same = extent[i] == o.extent(i);
    if (!same) {
        std::vector<std::int64_t> want, got(extent.begin(), extent.begin() + std::min(std::max(dims, 0), 3));
        for (int i = 0; i < d.dims(); ++i) want.push_back(o.extent(i));
        throw Error(std::string(what) + ": this rank's block is " + join_extents(want) + "; the view is " +
                    join_extents(got));
    }
}

}  // namespace

DistributedGrid::DistributedGrid(const Decomposition &decomposition, DType dtype)
    : decomposition_(&decomposition), dtype_(dtype) {
    const std::size_t bytes = static_cast<std::size_t>(decomposition.local().cells()) * size_of(dtype);
    for (auto &b : buffers_) b.assign(bytes, std::byte{0});
}

DistributedGrid::~DistributedGrid() = default;
DistributedGrid::DistributedGrid(DistributedGrid &&) noexcept = default;
DistributedGrid &DistributedGrid::operator=(DistributedGrid &&) noexcept = default;

GridView DistributedGrid::local() {
    return GridView(buffers_[current_].data(), dtype_, extents_of(decomposition_->local(), decomposition_->dims()));
}

GridView DistributedGrid::back() {
    return GridView(buffers_[current_ ^ 1].data(), dtype_, extents_of(decomposition_->local(), decomposition_->dims()));
}

std::array<std::int64_t, 3> DistributedGrid::owned_offset() const {
    const Box &o = decomposition_->owned(), &l = decomposition_->local();
    return {o.lo[0] - l.lo[0], o.lo[1] - l.lo[1], o.lo[2] - l.lo[2]};
}

void DistributedGrid::load(ConstGridView owned) {
    check_owned(*decomposition_, dtype_, owned.data, owned.dtype, owned.dims, owned.extent, "DistributedGrid::load");
    const Box &o = decomposition_->owned(), &l = decomposition_->local();
    const std::array<std::int64_t, 3> size{o.extent(0), o.extent(1), o.extent(2)};
    copy_block(owned.data, size, {0, 0, 0}, buffers_[current_].data(),
               {l.extent(0), l.extent(1), l.extent(2)}, owned_offset(), size, size_of(dtype_));
}

void DistributedGrid::store(GridView owned) const {
    check_owned(*decomposition_, dtype_, owned.data, owned.dtype, owned.dims, owned.extent, "DistributedGrid::store");
    const Box &o = decomposition_->owned(), &l = decomposition_->local();
    const std::array<std::int64_t, 3> size{o.extent(0), o.extent(1), o.extent(2)};
    copy_block(buffers_[current_].data(), {l.extent(0), l.extent(1), l.extent(2)}, owned_offset(), owned.data, size,
               {0, 0, 0}, size, size_of(dtype_));
}

}  // namespace stencilforge::distributed
