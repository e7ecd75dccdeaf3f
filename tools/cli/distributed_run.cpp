// `mpiexec -n N stencilforge run ...`: every rank checks the request, reads
// its block of the input through MPI-IO, runs its kernel on it with deep-halo
// exchanges (distributed/), and writes its block into the claimed output,
// which replaces the destination only when every rank has succeeded. Every
// check ends in an agreement, so all ranks fail together with one message,
// printed by rank 0.
#include "run_input.h"

#include "stencilforge/distributed.h"

#include <algorithm>
#include <cstdio>

namespace stencilforge::cli {

namespace {

namespace sd = distributed;

// MPI for the length of one command (the CLI runs one per process).
class MpiSession {
public:
    MpiSession() {
        int ready = 0;
        MPI_Initialized(&ready);
        if (!ready) {
            MPI_Init(nullptr, nullptr);
            owned_ = true;
        }
        // Errors come back as return codes, which become Errors with MPI's message.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    }
    ~MpiSession() {
        if (owned_) MPI_Finalize();
    }

private:
    bool owned_ = false;
};

}  // namespace

void run_file_distributed(const RunRequest &r, std::ostream &out, std::ostream &err) {
    MpiSession mpi;
    MPI_Comm world = MPI_COMM_WORLD;
    int rank = 0, size = 1;
    MPI_Comm_rank(world, &rank);
    MPI_Comm_size(world, &size);
    std::string kernel = r.kernel;
    RunInput checked{};
    std::vector<int> procs;
    sd::collectively(world, [&] {
        if (!r.rank_kernels.empty()) {
            if (static_cast<int>(r.rank_kernels.size()) != size) {
                throw Error("--rank-kernels names " + std::to_string(r.rank_kernels.size()) + " kernels for " +
                            std::to_string(size) + " ranks");
            }
            kernel = r.rank_kernels[rank];
        }
        RunRequest mine = r;
        mine.kernel = kernel;
        checked = check_run_request(mine);
        if (!r.procs.empty()) {
            for (auto p : parse_grid(r.procs, "--procs")) {
                if (p > size) throw Error("--procs " + r.procs + " has more ranks along a dimension than the run has");
                procs.push_back(static_cast<int>(p));
            }
        }
    });
    const npy::Header header = sd::read_header(world, r.in);
    std::vector<std::int64_t> extent(header.shape.rbegin(), header.shape.rend());
    sd::collectively(world, [&] { check_input_file(*checked.representative, header, r.in); });
    sd::PendingNpy destination(world, r.out);  // claimed before the compute
    if (r.threads > 0) set_num_threads(r.threads);

    sd::StencilOptions options;
    options.period = r.period;
    options.decomposition.procs = procs;
    if (r.balance) {
        // This rank's rate on an even share of the grid (cut along the slowest dimension).
        std::vector<std::int64_t> share = extent;
        share.back() = std::max<std::int64_t>(share.back() / size, 2 * checked.representative->radius + 1);
        sd::collectively(world, [&] {
            // A family's tuning record already measured this machine: its number, else a short timed run.
            if (is_family(kernel)) {
                const Selection s = select_variant(kernel, share, r.steps);
                if (s.from_record && s.expected_cell_steps_per_s > 0) {
                    options.decomposition.weight = s.expected_cell_steps_per_s;
                    return;
                }
            }
            options.decomposition.weight = sd::measure_throughput(kernel, share);
        });
    }
    sd::DistributedStencil stencil(world, kernel, r.steps, extent, options);
    const sd::Decomposition &d = stencil.decomposition();
    sd::DistributedGrid grid(d, header.dtype);
    {
        std::vector<std::byte> block(static_cast<std::size_t>(d.owned().cells()) * size_of(header.dtype));
        const std::vector<std::int64_t> be = d.owned().extents(d.dims());
        sd::read_block(d, r.in, header, GridView(block.data(), header.dtype, be));
        grid.load(ConstGridView(block.data(), header.dtype, be));
        stencil.run(grid, checked.coefficients);
        grid.store(GridView(block.data(), header.dtype, be));
        destination.commit(d, ConstGridView(block.data(), header.dtype, be));
    }
    // Rank 0 reports for all: each rank's kernel and block, and the exchange counts.
    const sd::ExchangeStats &s = stencil.stats();
    double mine[5] = {s.seconds, s.exchange_seconds, double(s.messages_sent), double(s.bytes_sent), double(s.exchanges)};
    std::vector<double> all(static_cast<std::size_t>(size) * 5);
    MPI_Gather(mine, 5, MPI_DOUBLE, all.data(), 5, MPI_DOUBLE, 0, world);
    constexpr int kName = 96;
    char name[kName] = {};
    std::snprintf(name, kName, "%s", stencil.variant().name.c_str());
    std::vector<char> names(static_cast<std::size_t>(size) * kName);
    MPI_Gather(name, kName, MPI_CHAR, names.data(), kName, MPI_CHAR, 0, world);
    if (!r.verbose || rank != 0) return;
    char line[256];
    std::snprintf(line, sizeof line, "ran %d steps on %d ranks (process grid %dx%dx%d, halo %d cells, one exchange per %d steps)\n",
                  r.steps, size, d.procs()[0], d.procs()[1], d.procs()[2], d.halo(), stencil.period());
    out << line;
    for (int i = 0; i < size; ++i) {
        const sd::Box b = d.owned_by(i);
        const double *a = &all[static_cast<std::size_t>(i) * 5];
        std::snprintf(line, sizeof line,
                      "  rank %d: %s on %lldx%lldx%lld cells, %.3f s (%.0f%% in exchanges), %.0f exchanges, "
                      "%.0f messages, %.3f MB sent\n",
                      i, names.data() + i * kName, (long long)b.extent(0), (long long)b.extent(1), (long long)b.extent(2),
                      a[0], a[0] > 0 ? 100 * a[1] / a[0] : 0.0, a[4], a[2], a[3] / 1e6);
        out << line;
    }
    (void)err;
}

}  // namespace stencilforge::cli
