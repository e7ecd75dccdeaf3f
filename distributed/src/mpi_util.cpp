// MPI helpers (mpi_util.h) and the agreement every collective check ends in.
#include "mpi_util.h"

#include "stencilforge/distributed.h"

#include <algorithm>
#include <climits>

namespace stencilforge::distributed {

void check_mpi(int rc, const char *call) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw Error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

MPI_Datatype mpi_type(DType dtype) { return dtype == DType::f32 ? MPI_FLOAT : MPI_DOUBLE; }

void check_view(const Decomposition &d, int dims, const void *data, const std::array<std::int64_t, 3> &extent,
                const std::array<std::int64_t, 3> &want, const std::string &what) {
    if (!data) throw Error(what + " has null data");
    bool same = dims == d.dims();
    for (int i = 0; i < d.dims() && same; ++i) same = extent[i] == want[i];
    if (!same) {
        const auto first = [](const std::array<std::int64_t, 3> &e, int n) {
            return std::vector<std::int64_t>(e.begin(), e.begin() + std::clamp(n, 0, 3));
        };
        throw Error(what + " is " + join_extents(first(extent, dims)) + "; it must be " + join_extents(first(want, d.dims())));
    }
    if (d.owned().cells() > INT_MAX) throw Error("this rank's block has more than 2^31-1 cells: use more ranks");
}

Subarray::Subarray(int dims, const std::array<std::int64_t, 3> &grid, const std::array<std::int64_t, 3> &start,
                   const std::array<std::int64_t, 3> &size, DType dtype) {
    std::array<int, 3> sizes{}, subsizes{}, starts{};
    for (int d = 0; d < dims; ++d) {
        // MPI counts in int: a block extent past 2^31 cannot be described (grid.h caps extents there too).
        if (grid[d] > INT_MAX) throw Error("a grid extent above 2^31-1 cannot be exchanged through MPI");
        sizes[dims - 1 - d] = static_cast<int>(grid[d]);
        subsizes[dims - 1 - d] = static_cast<int>(size[d]);
        starts[dims - 1 - d] = static_cast<int>(start[d]);
    }
    check_mpi(MPI_Type_create_subarray(dims, sizes.data(), subsizes.data(), starts.data(), MPI_ORDER_C, mpi_type(dtype),
                                       &type_),
              "MPI_Type_create_subarray");
    check_mpi(MPI_Type_commit(&type_), "MPI_Type_commit");
}

Subarray::~Subarray() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (type_ != MPI_DATATYPE_NULL && !finalized) MPI_Type_free(&type_);
}

Subarray &Subarray::operator=(Subarray &&other) noexcept {
    std::swap(type_, other.type_);
    return *this;
}

void agree(MPI_Comm comm, const std::string &local_error) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    // The lowest failing rank's message goes to all.
    int mine = local_error.empty() ? INT_MAX : rank, first = INT_MAX;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == INT_MAX) return;
    int length = rank == first ? static_cast<int>(local_error.size()) : 0;
    MPI_Bcast(&length, 1, MPI_INT, first, comm);
    std::string message = rank == first ? local_error : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(message.data(), length, MPI_CHAR, first, comm);
    int size = 1;
    MPI_Comm_size(comm, &size);
    throw Error(size > 1 && rank != first ? "rank " + std::to_string(first) + ": " + message : message);
}

}  // namespace stencilforge::distributed
