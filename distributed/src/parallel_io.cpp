// Moving whole grids to and from the ranks' blocks: scatter/gather through
// one rank, and .npy files through MPI-IO (each rank reads and writes its
// own block as a subarray view of the file), plus the short timed run that
// weighs a rank for an uneven split.
#include "mpi_util.h"
#include "stencilforge/distributed.h"
#include "stencilforge/select.h"

#include <algorithm>
#include <chrono>
#include <climits>

namespace stencilforge::distributed {

namespace {

// Root-side subarray of every rank's block in the global grid.
void exchange_blocks(const Decomposition &d, void *global, DType dtype, void *owned, bool to_ranks, int root) {
    std::vector<MPI_Request> requests;
    std::vector<Subarray> types;
    const int count = static_cast<int>(d.owned().cells());
    requests.emplace_back();
    if (to_ranks) {
        check_mpi(MPI_Irecv(owned, count, mpi_type(dtype), root, 0, d.comm(), &requests.back()), "MPI_Irecv");
    } else {
        check_mpi(MPI_Isend(owned, count, mpi_type(dtype), root, 0, d.comm(), &requests.back()), "MPI_Isend");
    }
    if (d.rank() == root) {
        types.reserve(d.size());
        for (int r = 0; r < d.size(); ++r) {
            const Box b = d.owned_by(r);
            types.emplace_back(d.dims(), d.global_extent(), b.lo, b.extents(), dtype);
            requests.emplace_back();
            if (to_ranks) {
                check_mpi(MPI_Isend(global, 1, types.back().get(), r, 0, d.comm(), &requests.back()), "MPI_Isend");
            } else {
                check_mpi(MPI_Irecv(global, 1, types.back().get(), r, 0, d.comm(), &requests.back()), "MPI_Irecv");
            }
        }
    }
    check_mpi(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
}

void check_mpi_io(int rc, const char *call, const std::filesystem::path &path) {
    try {
        check_mpi(rc, call);
    } catch (const Error &e) {
        throw Error(path.string() + ": " + e.what());
    }
}

// scatter() and gather(): the root's global view and every rank's block, checked together.
void check_global_and_block(const Decomposition &d, ConstGridView global_on_root, ConstGridView owned, int root,
                            const std::string &what) {
    collectively(d.comm(), [&] {
        if (root < 0 || root >= d.size()) throw Error(what + ": root " + std::to_string(root) + " is not a rank");
        if (d.rank() == root) {
            check_view(d, global_on_root.dims, global_on_root.data, global_on_root.extent, d.global_extent(),
                       what + ": the global grid");
            if (global_on_root.dtype != owned.dtype) throw Error(what + ": the global grid's dtype is not the block's");
        }
        check_view(d, owned.dims, owned.data, owned.extent, d.owned().extents(), what + ": this rank's block");
    });
}

}  // namespace

void scatter(const Decomposition &d, ConstGridView global_on_root, GridView owned, int root) {
    check_global_and_block(d, global_on_root, owned, root, "scatter");
    exchange_blocks(d, const_cast<void *>(global_on_root.data), owned.dtype, owned.data, true, root);
}

void gather(const Decomposition &d, ConstGridView owned, GridView global_on_root, int root) {
    check_global_and_block(d, global_on_root, owned, root, "gather");
    exchange_blocks(d, global_on_root.data, owned.dtype, const_cast<void *>(owned.data), false, root);
}

npy::Header read_header(MPI_Comm comm, const std::filesystem::path &path) {
    npy::Header header;
    collectively(comm, [&] { header = npy::read_header(path); });
    return header;
}

// Every rank's block through a subarray file view at the payload's offset;
// the collective read lets MPI-IO merge the ranks' requests.
void read_block(const Decomposition &d, const std::filesystem::path &path, const npy::Header &header, GridView owned) {
    std::array<std::int64_t, 3> file_extent{1, 1, 1};
    collectively(d.comm(), [&] {
        const int dims = static_cast<int>(header.shape.size());
        for (int i = 0; i < dims; ++i) file_extent[i] = header.shape[dims - 1 - i];
        if (dims != d.dims() || file_extent != d.global_extent()) {
            const auto &g = d.global_extent();
            throw Error(path.string() + " holds a " +
                        join_extents(std::vector<std::int64_t>(file_extent.begin(), file_extent.begin() + std::min(dims, 3))) +
                        " array; the grid is " + join_extents(std::vector<std::int64_t>(g.begin(), g.begin() + d.dims())));
        }
        check_view(d, owned.dims, owned.data, owned.extent, d.owned().extents(), "read_block: this rank's block");
        if (owned.dtype != header.dtype) throw Error(path.string() + " holds " + to_string(header.dtype) + " data; the block is " + to_string(owned.dtype));
    });
    MPI_File file;
    std::string error;
    int rc = MPI_File_open(d.comm(), path.c_str(), MPI_MODE_RDONLY, MPI_INFO_NULL, &file);
    collectively(d.comm(), [&] { check_mpi_io(rc, "MPI_File_open", path); });
    try {
        const Subarray view(d.dims(), d.global_extent(), d.owned().lo, d.owned().extents(), header.dtype);
        check_mpi_io(MPI_File_set_view(file, static_cast<MPI_Offset>(header.data_offset), mpi_type(header.dtype),
                                       view.get(), "native", MPI_INFO_NULL),
                     "MPI_File_set_view", path);
        MPI_Status status;
        rc = MPI_File_read_all(file, owned.data, static_cast<int>(d.owned().cells()), mpi_type(header.dtype), &status);
        check_mpi_io(rc, "MPI_File_read_all", path);
        int got = 0;
        MPI_Get_count(&status, mpi_type(header.dtype), &got);
        if (got != d.owned().cells()) throw Error(path.string() + ": a short read (the file changed while being read?)");
    } catch (const std::exception &e) {
        error = e.what();
    }
    MPI_File_close(&file);
    agree(d.comm(), error);
}

struct PendingNpy::State {
    MPI_Comm comm;
    std::unique_ptr<npy::PendingFile> file;  // rank 0's claim on the destination
    std::string temp;
};

PendingNpy::PendingNpy(MPI_Comm comm, const std::filesystem::path &path) : state_(std::make_unique<State>()) {
    state_->comm = comm;
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    collectively(comm, [&] {
        if (rank == 0) state_->file = std::make_unique<npy::PendingFile>(path);
    });
    int length = rank == 0 ? static_cast<int>(state_->file->temp_path().string().size()) : 0;
    MPI_Bcast(&length, 1, MPI_INT, 0, comm);
    state_->temp = rank == 0 ? state_->file->temp_path().string() : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(state_->temp.data(), length, MPI_CHAR, 0, comm);
}

PendingNpy::~PendingNpy() = default;  // rank 0's PendingFile removes an uncommitted temporary file

void PendingNpy::commit(const Decomposition &d, ConstGridView owned) {
    collectively(d.comm(), [&] {
        if (!state_->file && d.rank() == 0) throw Error("this output was already written");
        check_view(d, owned.dims, owned.data, owned.extent, d.owned().extents(), "the block to write");
    });
    std::vector<std::int64_t> shape;  // numpy order
    for (int i = d.dims() - 1; i >= 0; --i) shape.push_back(d.global_extent()[i]);
    const std::string header = npy::header_for(owned.dtype, shape);
    MPI_File file;
    const int rc = MPI_File_open(d.comm(), state_->temp.c_str(), MPI_MODE_WRONLY, MPI_INFO_NULL, &file);
    collectively(d.comm(), [&] { check_mpi_io(rc, "MPI_File_open", state_->temp); });
    std::string error;
    try {
        if (d.rank() == 0) {
            check_mpi_io(MPI_File_write_at(file, 0, header.data(), static_cast<int>(header.size()), MPI_CHAR, MPI_STATUS_IGNORE),
                         "MPI_File_write_at", state_->temp);
        }
        const Subarray view(d.dims(), d.global_extent(), d.owned().lo, d.owned().extents(), owned.dtype);
        check_mpi_io(MPI_File_set_view(file, static_cast<MPI_Offset>(header.size()), mpi_type(owned.dtype), view.get(),
                                       "native", MPI_INFO_NULL),
                     "MPI_File_set_view", state_->temp);
        check_mpi_io(MPI_File_write_all(file, owned.data, static_cast<int>(d.owned().cells()), mpi_type(owned.dtype),
                                        MPI_STATUS_IGNORE),
                     "MPI_File_write_all", state_->temp);
    } catch (const std::exception &e) {
        error = e.what();
    }
    const int close_rc = MPI_File_close(&file);
    if (error.empty() && close_rc != MPI_SUCCESS) error = "closing " + state_->temp + " failed";
    agree(d.comm(), error);
    collectively(d.comm(), [&] {
        if (d.rank() == 0) {
            state_->file->commit_written();
            state_->file.reset();
        }
    });
}

double measure_throughput(std::string_view variant, std::span<const std::int64_t> block, double seconds) {
    const VariantInfo &v = resolve_kernel(variant, block, 1);
    std::vector<std::int64_t> extent(block.begin(), block.end());
    std::int64_t cells = 1;
    for (auto e : extent) cells *= e;
    std::vector<std::byte> a(static_cast<std::size_t>(cells) * size_of(v.dtype)), b(a.size());
    std::vector<double> weights(v.num_coefficients(), 1.0 / v.num_coefficients());
    const PreparedStencil p(v.name, v.depth);
    Workspace ws;
    const ConstGridView in(a.data(), v.dtype, extent);
    const GridView out(b.data(), v.dtype, extent);
    p.run(in, out, weights, ws);  // warm: first-touch, the kernel's first call
    const auto t0 = std::chrono::steady_clock::now();
    int runs = 0;
    double elapsed = 0;
    do {
        p.run(in, out, weights, ws);
        ++runs;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (elapsed < seconds && runs < 1000);
    return static_cast<double>(cells) * v.depth * runs / elapsed;
}

}  // namespace stencilforge::distributed
