// Distributed stencils over MPI: a Cartesian decomposition of one global grid
// over the ranks of a communicator, each rank holding its block plus a deep
// halo (ghost-zone expansion: T*r cells for a period of T steps), one halo
// exchange per period, and any catalog variant per rank. The result equals
// the single-process run of the same variant bit for bit: every cell a rank
// keeps is computed from the same values in the same order as there, and the
// cells the deep halo leaves wrong (within k*r of a cut after k steps) are
// never kept. See docs/distributed.md.
#pragma once

#include "stencilforge/grid.h"
#include "stencilforge/npy.h"
#include "stencilforge/run.h"

#include <mpi.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stencilforge::distributed {

// A box of global cells, [lo, hi) per dimension, x first.
struct Box {
    std::array<std::int64_t, 3> lo{0, 0, 0}, hi{1, 1, 1};
    std::int64_t extent(int d) const { return hi[d] - lo[d]; }
    std::int64_t cells() const { return extent(0) * extent(1) * extent(2); }
    std::array<std::int64_t, 3> extents() const { return {extent(0), extent(1), extent(2)}; }
    // The first `dims` extents, as GridView takes them.
    std::vector<std::int64_t> extents(int dims) const {
        const auto e = extents();
        return std::vector<std::int64_t>(e.begin(), e.begin() + dims);
    }
};

// How the global grid is cut. `procs`: ranks per dimension, x first (empty:
// the process grid whose largest block with its halo is smallest, which
// cuts the longest dimensions; on a tie the slowest dimension, whose faces
// are contiguous and whose exchange overlaps the update). `weight`:
// this rank's relative throughput; the blocks along each dimension are sized
// in proportion to the summed weights of the ranks in each slice, so a fast
// rank (a GPU) gets more cells than a slow one. 1 everywhere: an even split.
struct DecompositionOptions {
    std::vector<int> procs;
    double weight = 1.0;
};

// A Cartesian decomposition (MPI_Cart_create, not periodic, ranks kept) of
// a 2D or 3D grid with a halo of `halo` cells. Collective; throws Error on
// every rank alike when the grid cannot be cut so: `procs` not matching the
// rank count or the dims, a block along a cut dimension thinner than
// max(halo, min_block) (a neighbour's halo would need cells of a rank two
// away; a stencil needs 2r+1 cells), a weight that is not positive and finite.
class Decomposition {
public:
    Decomposition(MPI_Comm comm, std::span<const std::int64_t> global_extent, int halo,
                  const DecompositionOptions &options = {}, std::int64_t min_block = 1);
    ~Decomposition();
    Decomposition(const Decomposition &) = delete;
    Decomposition &operator=(const Decomposition &) = delete;

    MPI_Comm comm() const { return cart_; }  // the Cartesian communicator (ranks may be reordered)
    int rank() const { return rank_; }
    int size() const { return size_; }
    int dims() const { return dims_; }
    int halo() const { return halo_; }
    const std::array<std::int64_t, 3> &global_extent() const { return global_; }
    const std::array<int, 3> &procs() const { return procs_; }    // x first
    const std::array<int, 3> &coords() const { return coords_; }  // this rank's, x first
    const Box &owned() const { return owned_; }                   // the cells this rank keeps
    const Box &local() const { return local_; }                   // owned plus the halo, clipped to the grid
    Box owned_by(int rank) const;                                 // any rank's block (rank in comm())
    // The neighbour one block away along `dim` (-1 or +1), MPI_PROC_NULL at the grid's face.
    int neighbour(int dim, int direction) const;

private:
    MPI_Comm cart_ = MPI_COMM_NULL;
    int rank_ = 0, size_ = 1, dims_ = 2, halo_ = 0;
    std::array<std::int64_t, 3> global_{1, 1, 1};
    std::array<int, 3> procs_{1, 1, 1}, coords_{0, 0, 0};
    std::array<std::vector<std::int64_t>, 3> cuts_;  // block boundaries per dimension (procs+1 values)
    Box owned_, local_;
};

// This rank's block with its halo, in two dense local grids (x fastest) the
// runs alternate between; the owned cells sit at owned_offset() inside.
class DistributedGrid {
public:
    DistributedGrid(const Decomposition &decomposition, DType dtype);
    ~DistributedGrid();
    DistributedGrid(DistributedGrid &&) noexcept;
    DistributedGrid &operator=(DistributedGrid &&) noexcept;

    const Decomposition &decomposition() const { return *decomposition_; }
    DType dtype() const { return dtype_; }
    GridView local();                                   // the current values, halo included
    std::array<std::int64_t, 3> owned_offset() const;  // owned().lo - local().lo
    void load(ConstGridView owned);                     // copies this rank's block in (owned extents)
    void store(GridView owned) const;                   // copies this rank's block out
    // The other buffer, and flipping which one is current (DistributedStencil's passes).
    GridView back();
    void swap() { current_ ^= 1; }

private:
    const Decomposition *decomposition_;
    DType dtype_;
    std::array<std::vector<std::byte>, 2> buffers_;
    int current_ = 0;
};

// What the runs of one DistributedStencil did on this rank.
struct ExchangeStats {
    std::int64_t runs = 0;
    std::int64_t exchanges = 0;       // halo exchanges (one per period)
    std::int64_t messages_sent = 0;   // point-to-point sends this rank posted
    std::int64_t bytes_sent = 0;
    double seconds = 0;               // wall time of the runs
    double exchange_seconds = 0;      // in MPI calls that were not overlapped (blocking faces, waits)
    double compute_seconds = 0;       // in the kernel (inner and boundary slabs)
};

struct StencilOptions {
    // Steps between halo exchanges (the halo is period*r wide). 0: the least
    // common multiple of every rank's fused depth (T for a temporal_tT
    // variant on every rank); a multiple of it otherwise: with a t1 variant,
    // period 8 is ghost-zone expansion without fusion. Each period runs the
    // rank's plan for its steps, so the pass sequence is the single-process
    // run's.
    int period = 0;
    // Update the block's inner part while the slowest dimension's faces are
    // in flight (else: exchange, then update the whole block).
    bool overlap = true;
    DecompositionOptions decomposition;
};

// One rank's share of a distributed run of `steps` steps: `variant` (a
// catalog variant or a family, this rank's choice; the ranks must agree on
// the stencil shape and dtype) on a grid of `global_extent`. Collective;
// everything is checked before any memory is written, on every rank alike.
class DistributedStencil {
public:
    DistributedStencil(MPI_Comm comm, std::string_view variant, int steps, std::span<const std::int64_t> global_extent,
                       const StencilOptions &options = {});
    ~DistributedStencil();

    const Decomposition &decomposition() const { return *decomposition_; }
    const VariantInfo &variant() const { return prepared_full_->variant(); }
    int period() const { return period_; }
    int steps() const { return steps_; }

    // Advances `grid`'s owned cells by steps(). Collective.
    void run(DistributedGrid &grid, std::span<const double> coefficients);
    // The same on this rank's block in caller memory (owned extents, dense).
    void run(ConstGridView owned_in, GridView owned_out, std::span<const double> coefficients);

    const ExchangeStats &stats() const { return stats_; }
    void reset_stats() { stats_ = {}; }

private:
    struct Exchange;
    // One period of k steps; a kernel's failure goes to `error` and the rank
    // keeps exchanging, so every rank reaches the agreement at the end of run().
    void period_pass(DistributedGrid &grid, const PreparedStencil &prepared, int k, std::string &error);
    std::unique_ptr<Decomposition> decomposition_;
    int steps_, period_;
    bool overlap_;
    std::optional<PreparedStencil> prepared_full_, prepared_rest_;  // `period` steps, and steps % period
    std::unique_ptr<Exchange> exchange_;
    std::vector<double> coefficients_;
    Workspace workspace_;
    std::vector<std::byte> slab_out_;     // a boundary slab's result, before its final rows are kept
    std::optional<DistributedGrid> grid_;  // run()'s on caller memory
    ExchangeStats stats_;
};

// This rank's rate for `variant` on its block, cell-steps per second, from a
// short timed run (at most about `seconds`): a weight for an uneven split.
double measure_throughput(std::string_view variant, std::span<const std::int64_t> block, double seconds = 0.2);

// The global grid on `root` (ignored elsewhere: pass {}) to every rank's
// block, and back. Collective.
void scatter(const Decomposition &d, ConstGridView global_on_root, GridView owned, int root = 0);
void gather(const Decomposition &d, ConstGridView owned, GridView global_on_root, int root = 0);

// .npy files read and written in parallel (MPI-IO), each rank its block.
// read_header() is collective and checks the file as npy::read() does;
// read_block() reads this rank's block of the file that header describes.
npy::Header read_header(MPI_Comm comm, const std::filesystem::path &path);
void read_block(const Decomposition &d, const std::filesystem::path &path, const npy::Header &header, GridView owned);
// Claims the destination (a temporary file beside it) when constructed,
// before the compute; commit() writes every rank's block and renames it
// over `path`; destroyed uncommitted, it removes the temporary file.
class PendingNpy {
public:
    PendingNpy(MPI_Comm comm, const std::filesystem::path &path);
    ~PendingNpy();
    void commit(const Decomposition &d, ConstGridView owned);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Runs `f` on every rank; when it throws on any rank, every rank throws an
// Error with the lowest failing rank's message (so no rank is left waiting
// in a collective the others skipped).
template <typename F>
void collectively(MPI_Comm comm, F &&f);
void agree(MPI_Comm comm, const std::string &local_error);  // "" when this rank succeeded

template <typename F>
void collectively(MPI_Comm comm, F &&f) {
    std::string error;
    try {
        f();
    } catch (const std::exception &e) {
        error = e.what();
        if (error.empty()) error = "unknown error";
    }
    agree(comm, error);
}

}  // namespace stencilforge::distributed
