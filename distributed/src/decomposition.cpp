// The Cartesian decomposition: how many ranks along each dimension, where the
// blocks' boundaries fall (in proportion to the ranks' weights), and each
// rank's owned block and halo-padded local box.
#include "mpi_util.h"
#include "stencilforge/distributed.h"
#include "stencilforge/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace stencilforge::distributed {

namespace {

const char *axis_name(int d) { return d == 0 ? "x" : d == 1 ? "y" : "z"; }

// Boundaries of `parts` blocks of [0, n) sized in proportion to `weights`,
// none below `min_size`: blocks the proportion would make thinner get
// min_size and the rest is shared among the others by the same rule.
// Largest-remainder rounding keeps the total exact.
std::vector<std::int64_t> proportional_cuts(std::int64_t n, const std::vector<double> &weights, std::int64_t min_size) {
    const std::size_t parts = weights.size();
    std::vector<std::int64_t> size(parts, 0);
    std::vector<bool> pinned(parts, false);
    for (bool changed = true; changed;) {
        changed = false;
        std::int64_t left = n;
        double w = 0;
        for (std::size_t i = 0; i < parts; ++i) {
            if (pinned[i]) left -= min_size;
            else w += weights[i];
        }
        std::vector<std::pair<double, std::size_t>> remainders;
        std::int64_t given = 0;
        for (std::size_t i = 0; i < parts; ++i) {
            if (pinned[i]) {
                size[i] = min_size;
                continue;
            }
            const double ideal = static_cast<double>(left) * weights[i] / w;
            size[i] = static_cast<std::int64_t>(std::floor(ideal));
            given += size[i];
            remainders.push_back({ideal - std::floor(ideal), i});
        }
        std::stable_sort(remainders.begin(), remainders.end(), [](auto a, auto b) { return a.first > b.first; });
        for (std::size_t j = 0; given < left && j < remainders.size(); ++j, ++given) ++size[remainders[j].second];
        for (std::size_t i = 0; i < parts; ++i) {
            if (!pinned[i] && size[i] < min_size) pinned[i] = changed = true;
        }
    }
    std::vector<std::int64_t> cuts{0};
    for (auto s : size) cuts.push_back(cuts.back() + s);
    return cuts;
}

// The process grid for `ranks` ranks when the caller gave none: the one
// whose largest block plus its halo holds the fewest cells (least halo
// recomputed and sent; a 512x512x256 grid on 2 ranks is cut along y, not
// z), among those whose blocks are at least `thinnest` wide where cut. Ties
// go to cutting slower dimensions: their faces are contiguous, and the
// slowest one's exchange overlaps the update.
std::array<int, 3> choose_procs(int ranks, int dims, const std::array<std::int64_t, 3> &n, std::int64_t halo,
                                std::int64_t thinnest) {
    std::array<int, 3> best{1, 1, 1}, p{1, 1, 1};
    double best_cost = -1;
    bool best_fits = false;
    for (int a = ranks; a >= 1; --a) {
        if (ranks % a) continue;
        for (int b = ranks / a; b >= 1; --b) {
            if ((ranks / a) % b) continue;
            const int c = ranks / a / b;
            if (dims == 2 && c != 1) continue;
            p = {c, b, a};  // a: the slowest dimension's count
            if (dims == 2) p = {b, a, 1};
            double cost = 1;
            bool fits = true;
            for (int d = 0; d < dims; ++d) {
                const std::int64_t block = (n[d] + p[d] - 1) / p[d];
                fits = fits && (p[d] == 1 || n[d] / p[d] >= thinnest);
                cost *= static_cast<double>(block + (p[d] > 1 ? 2 * halo : 0));
            }
            // Feasible first; then the fewest cells; on a tie the first found (most ranks on the slowest dimension).
            if (best_cost < 0 || (fits && !best_fits) || (fits == best_fits && cost < best_cost)) {
                best = p;
                best_cost = cost;
                best_fits = fits;
            }
        }
    }
    return best;
}

}  // namespace

Decomposition::Decomposition(MPI_Comm comm, std::span<const std::int64_t> global_extent, int halo,
                             const DecompositionOptions &options, std::int64_t min_block)
    : halo_(halo) {
    MPI_Comm_size(comm, &size_);
    MPI_Comm_rank(comm, &rank_);
    dims_ = static_cast<int>(global_extent.size());
    std::array<int, 3> procs{1, 1, 1};
    // The thinnest block a cut dimension may have: a neighbour's halo must lie in one rank, a stencil needs 2r+1.
    const std::int64_t thinnest = std::max<std::int64_t>({std::int64_t(halo), min_block, 1});
    collectively(comm, [&] {
        if (dims_ != 2 && dims_ != 3) {
            throw Error("a distributed grid is 2-D or 3-D; this one has " + std::to_string(dims_) + " extents");
        }
        for (int d = 0; d < dims_; ++d) {
            if (global_extent[d] < 1) throw Error("grid extents must be positive");
            global_[d] = global_extent[d];
        }
        if (halo < 0) throw Error("a halo cannot be negative");
        if (!(options.weight > 0) || !std::isfinite(options.weight)) {
            throw Error("rank " + std::to_string(rank_) + "'s weight " + std::to_string(options.weight) +
                        " is not a positive finite number");
        }
        if (!options.procs.empty()) {
            if (static_cast<int>(options.procs.size()) != dims_) {
                throw Error("the process grid has " + std::to_string(options.procs.size()) + " extents; the grid has " +
                            std::to_string(dims_));
            }
            long product = 1;
            for (int d = 0; d < dims_; ++d) {
                if (options.procs[d] < 1) throw Error("a process grid extent must be positive");
                product *= options.procs[d];
                procs[d] = options.procs[d];
            }
            if (product != size_) {
                throw Error("the process grid " + join_extents(options.procs) + " holds " + std::to_string(product) +
                            " ranks; the communicator has " + std::to_string(size_));
            }
        } else {
            procs = choose_procs(size_, dims_, global_, halo, thinnest);
        }
    });
    procs_ = procs;
    // MPI's Cartesian order is C order (dimension 0 slowest): reversed from ours.
    std::array<int, 3> mpi_procs{}, periods{0, 0, 0};
    for (int d = 0; d < dims_; ++d) mpi_procs[d] = procs_[dims_ - 1 - d];
    check_mpi(MPI_Cart_create(comm, dims_, mpi_procs.data(), periods.data(), /*reorder=*/0, &cart_),
              "MPI_Cart_create");
    std::array<int, 3> mpi_coords{};
    MPI_Cart_coords(cart_, rank_, dims_, mpi_coords.data());
    for (int d = 0; d < dims_; ++d) coords_[d] = mpi_coords[dims_ - 1 - d];

    // Every rank's coordinates and weight, to size the slices.
    std::vector<double> all(static_cast<std::size_t>(size_) * 4);
    const double mine[4] = {double(coords_[0]), double(coords_[1]), double(coords_[2]), options.weight};
    MPI_Allgather(mine, 4, MPI_DOUBLE, all.data(), 4, MPI_DOUBLE, cart_);
    collectively(cart_, [&] {
        for (int d = 0; d < 3; ++d) {
            std::vector<double> w(procs_[d], 0.0);
            for (int r = 0; r < size_; ++r) w[static_cast<int>(all[r * 4 + d])] += all[r * 4 + 3];
            if (procs_[d] > 1 && global_[d] < thinnest * procs_[d]) {
                throw Error(std::string("the grid's ") + std::to_string(global_[d]) + " cells along " + axis_name(d) +
                            " cannot be cut into " + std::to_string(procs_[d]) + " blocks of at least " +
                            std::to_string(thinnest) + " (the halo is " + std::to_string(halo_) +
                            " cells, and a block thinner than the halo would need cells of a rank two away): "
                            "use fewer ranks along " + axis_name(d) + " or fewer steps per exchange");
            }
            cuts_[d] = procs_[d] > 1 ? proportional_cuts(global_[d], w, thinnest)
                                     : std::vector<std::int64_t>{0, global_[d]};
        }
    });
    owned_ = owned_by(rank_);
    local_ = owned_;
    for (int d = 0; d < dims_; ++d) {
        local_.lo[d] = std::max<std::int64_t>(0, owned_.lo[d] - halo_);
        local_.hi[d] = std::min<std::int64_t>(global_[d], owned_.hi[d] + halo_);
    }
}

Decomposition::~Decomposition() {
    if (cart_ != MPI_COMM_NULL) {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Comm_free(&cart_);
    }
}

Box Decomposition::owned_by(int rank) const {
    std::array<int, 3> mpi_coords{0, 0, 0};
    MPI_Cart_coords(cart_, rank, dims_, mpi_coords.data());
    Box b;
    for (int d = 0; d < dims_; ++d) {
        const int c = mpi_coords[dims_ - 1 - d];
        b.lo[d] = cuts_[d][c];
        b.hi[d] = cuts_[d][c + 1];
    }
    return b;
}

int Decomposition::neighbour(int dim, int direction) const {
    int source = MPI_PROC_NULL, dest = MPI_PROC_NULL;
    MPI_Cart_shift(cart_, dims_ - 1 - dim, direction, &source, &dest);
    return dest;
}

}  // namespace stencilforge::distributed
