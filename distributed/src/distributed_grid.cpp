// A rank's block with its halo: two dense local buffers (the current values
// and the one the next pass writes), and copies of the owned block in and out.
#include "block_copy.h"
#include "mpi_util.h"
#include "stencilforge/distributed.h"
#include "stencilforge/error.h"


namespace stencilforge::distributed {

namespace {

// A block view the caller passed: the grid's dtype and this rank's extents.
void check_owned(const Decomposition &d, DType dtype, const void *data, DType got, int dims,
                 const std::array<std::int64_t, 3> &extent, const char *what) {
    check_view(d, dims, data, extent, d.owned().extents(), std::string(what) + ": the view of this rank's block");
    if (got != dtype) throw Error(std::string(what) + ": dtype " + to_string(got) + ", the grid's is " + to_string(dtype));
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
    return GridView(buffers_[current_].data(), dtype_, decomposition_->local().extents(decomposition_->dims()));
}

GridView DistributedGrid::back() {
    return GridView(buffers_[current_ ^ 1].data(), dtype_, decomposition_->local().extents(decomposition_->dims()));
}

std::array<std::int64_t, 3> DistributedGrid::owned_offset() const {
    const Box &o = decomposition_->owned(), &l = decomposition_->local();
    return {o.lo[0] - l.lo[0], o.lo[1] - l.lo[1], o.lo[2] - l.lo[2]};
}

void DistributedGrid::load(ConstGridView owned) {
    check_owned(*decomposition_, dtype_, owned.data, owned.dtype, owned.dims, owned.extent, "DistributedGrid::load");
    const auto size = decomposition_->owned().extents();
    copy_block(owned.data, size, {0, 0, 0}, buffers_[current_].data(), decomposition_->local().extents(), owned_offset(),
               size, size_of(dtype_));
}

void DistributedGrid::store(GridView owned) const {
    check_owned(*decomposition_, dtype_, owned.data, owned.dtype, owned.dims, owned.extent, "DistributedGrid::store");
    const auto size = decomposition_->owned().extents();
    copy_block(buffers_[current_].data(), decomposition_->local().extents(), owned_offset(), owned.data, size, {0, 0, 0},
               size, size_of(dtype_));
}

}  // namespace stencilforge::distributed
