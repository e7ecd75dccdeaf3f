// Small helpers the distributed part shares: MPI return codes as Errors,
// element types, subarray datatypes that free themselves.
#pragma once

#include "stencilforge/error.h"
#include "stencilforge/grid.h"

#include <mpi.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace stencilforge::distributed {

// Throws Error naming the call and MPI's own message when `rc` is not MPI_SUCCESS.
void check_mpi(int rc, const char *call);

MPI_Datatype mpi_type(DType dtype);

template <typename Extents>
std::string join_extents(const Extents &e) {
    std::string s;
    for (auto x : e) s += (s.empty() ? "" : "x") + std::to_string(x);
    return s;
}

class Decomposition;

// A view the caller passed for a block (or, on the root, the global grid):
// non-null data and `want`'s extents, else an Error starting with `what`.
// MPI counts elements in int, so a block of more than 2^31-1 cells is refused too.
void check_view(const Decomposition &d, int dims, const void *data, const std::array<std::int64_t, 3> &extent,
                const std::array<std::int64_t, 3> &want, const std::string &what);

// A committed MPI_Type_create_subarray of a dense grid (extents x first, as
// everywhere here; MPI is given them in C order), freed on destruction.
class Subarray {
public:
    Subarray() = default;
    Subarray(int dims, const std::array<std::int64_t, 3> &grid, const std::array<std::int64_t, 3> &start,
             const std::array<std::int64_t, 3> &size, DType dtype);
    ~Subarray();
    Subarray(Subarray &&other) noexcept : type_(other.type_) { other.type_ = MPI_DATATYPE_NULL; }
    Subarray &operator=(Subarray &&other) noexcept;
    Subarray(const Subarray &) = delete;
    Subarray &operator=(const Subarray &) = delete;
    MPI_Datatype get() const { return type_; }

private:
    MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

}  // namespace stencilforge::distributed
