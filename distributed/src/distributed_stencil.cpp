// A distributed run: per period of k steps, one deep-halo exchange (faces
// period*r cells deep, dimension by dimension so the corners come along),
// then the rank's plan for k steps on its halo-padded block. With overlap,
// the slowest dimension's faces (contiguous planes) travel while the block's
// inner slab is updated; the two boundary slabs follow once they have
// arrived. Every slab is a dense run of whole rows (planes) of the local
// buffer, so the kernels run on it unchanged.
#include "mpi_util.h"
#include "stencilforge/distributed.h"
#include "stencilforge/select.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <optional>

namespace stencilforge::distributed {

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

// The face datatypes of every dimension on the local buffer: along `dim`,
// the first and last halo-width owned cells go out and the halo cells come
// in; dimensions before it span the whole local extent (their halos are
// already filled, which is how corners travel), those after it the owned one.
struct DistributedStencil::Exchange {
    struct Face {
        int peer = MPI_PROC_NULL;
        Subarray send, recv;
        int bytes = 0;
    };
    std::array<std::array<Face, 2>, 3> faces;
    MPI_Comm comm;
    bool any_peer = false;

    Exchange(const Decomposition &dc, DType dtype) : comm(dc.comm()) {
        const Box &o = dc.owned(), &l = dc.local();
        const int h = dc.halo(), dims = dc.dims();
        const std::array<std::int64_t, 3> local{l.extent(0), l.extent(1), l.extent(2)};
        for (int d = 0; d < dims; ++d) {
            for (int side = 0; side < 2; ++side) {
                Face &f = faces[d][side];
                f.peer = dc.neighbour(d, side ? 1 : -1);
                if (f.peer == MPI_PROC_NULL) continue;
                any_peer = true;
                std::array<std::int64_t, 3> start{}, size{}, recv_start{};
                for (int e = 0; e < 3; ++e) {
                    start[e] = e < d ? 0 : o.lo[e] - l.lo[e];
                    size[e] = e < d ? local[e] : o.extent(e);
                }
                size[d] = h;
                recv_start = start;
                if (side == 0) {
                    recv_start[d] = start[d] - h;
                } else {
                    start[d] = o.hi[d] - l.lo[d] - h;
                    recv_start[d] = o.hi[d] - l.lo[d];
                }
                f.send = Subarray(dims, local, start, size, dtype);
                f.recv = Subarray(dims, local, recv_start, size, dtype);
                MPI_Type_size(f.send.get(), &f.bytes);
            }
        }
    }

    // Posts dimension d's receives and sends on `buffer`. A message travelling
    // towards the high side has tag 2d+1, towards the low side 2d.
    void post(int d, void *buffer, std::vector<MPI_Request> &requests, ExchangeStats &stats) {
        for (int side = 0; side < 2; ++side) {
            Face &f = faces[d][side];
            if (f.peer == MPI_PROC_NULL) continue;
            requests.emplace_back();
            check_mpi(MPI_Irecv(buffer, 1, f.recv.get(), f.peer, 2 * d + (1 - side), comm, &requests.back()), "MPI_Irecv");
        }
        for (int side = 0; side < 2; ++side) {
            Face &f = faces[d][side];
            if (f.peer == MPI_PROC_NULL) continue;
            requests.emplace_back();
            check_mpi(MPI_Isend(buffer, 1, f.send.get(), f.peer, 2 * d + side, comm, &requests.back()), "MPI_Isend");
            ++stats.messages_sent;
            stats.bytes_sent += f.bytes;
        }
    }

    static void wait(std::vector<MPI_Request> &requests) {
        check_mpi(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
        requests.clear();
    }
};

DistributedStencil::DistributedStencil(MPI_Comm comm, std::string_view variant, int steps,
                                       std::span<const std::int64_t> global_extent, const StencilOptions &options)
    : steps_(steps), period_(1), overlap_(options.overlap) {
    const VariantInfo *v = nullptr;
    collectively(comm, [&] {
        if (steps < 0 || steps > kMaxSteps) {
            throw Error("steps must be in [0, " + std::to_string(kMaxSteps) + "]; got " + std::to_string(steps));
        }
        v = &resolve_kernel(variant, global_extent, std::max(steps, 1));
        if (static_cast<int>(global_extent.size()) != v->dims) {
            throw Error("kernel '" + v->name + "' is " + std::to_string(v->dims) + "-D; the grid has " +
                        std::to_string(global_extent.size()) + " extents");
        }
    });
    // The ranks must run one stencil: the same family (shape and dtype); depths may differ.
    int size = 1;
    MPI_Comm_size(comm, &size);
    constexpr int kName = 64;
    std::array<char, kName> mine{};
    const std::string family = family_of(*v);
    std::strncpy(mine.data(), family.c_str(), kName - 1);
    std::vector<char> families(static_cast<std::size_t>(size) * kName);
    MPI_Allgather(mine.data(), kName, MPI_CHAR, families.data(), kName, MPI_CHAR, comm);
    std::vector<int> depths(size);
    MPI_Allgather(&v->depth, 1, MPI_INT, depths.data(), 1, MPI_INT, comm);
    collectively(comm, [&] {
        for (int r = 0; r < size; ++r) {
            const std::string theirs(families.data() + r * kName);
            if (theirs != family) {
                throw Error("the ranks run different stencils: rank " + std::to_string(r) + " " + theirs + ", this one " +
                            family + " (a distributed run is one shape and dtype; the variants may differ)");
            }
        }
        int lcm = 1;
        for (int d : depths) lcm = std::lcm(lcm, d);
        if (options.period < 0 || options.period > kMaxSteps) throw Error("the period must be in [0, kMaxSteps]");
        if (options.period != 0 && options.period % lcm != 0) {
            throw Error("the period (steps between exchanges) " + std::to_string(options.period) +
                        " is not a multiple of every rank's fused depth (their least common multiple is " +
                        std::to_string(lcm) + ")");
        }
        period_ = options.period ? options.period : lcm;
        // A run shorter than a period is one partial period: its halo need be no wider.
        if (steps > 0 && steps < period_) period_ = steps;
    });
    decomposition_ = std::make_unique<Decomposition>(comm, global_extent, period_ * v->radius, options.decomposition,
                                                     2 * v->radius + 1);
    collectively(decomposition_->comm(), [&] {
        prepared_full_.emplace(v->name, period_);
        if (steps % period_) prepared_rest_.emplace(v->name, steps % period_);
        // A Halide autoscheduler's tiles may not fit the thin boundary slabs: those run the block whole.
        if (!v->autoscheduler.empty()) overlap_ = false;
        exchange_ = std::make_unique<Exchange>(*decomposition_, v->dtype);
    });
}

DistributedStencil::~DistributedStencil() = default;

void DistributedStencil::period_pass(DistributedGrid &grid, const PreparedStencil &prepared, int k,
                                     std::string &error) {
    const Decomposition &dc = *decomposition_;
    const int s = dc.dims() - 1;  // the slowest dimension: its slabs are dense in the local buffer
    const Box &o = dc.owned(), &l = dc.local();
    const std::size_t element = size_of(grid.dtype());
    std::int64_t plane = 1;  // cells in one row (2-D) or plane (3-D) of the local buffer
    for (int d = 0; d < s; ++d) plane *= l.extent(d);
    GridView cur = grid.local(), next = grid.back();
    auto rows = [&](GridView g, std::int64_t first, std::int64_t count) {
        GridView slab = g;
        slab.data = static_cast<std::byte *>(g.data) + static_cast<std::size_t>(first * plane) * element;
        slab.extent[s] = count;
        return slab;
    };
    auto compute = [&](ConstGridView in, GridView out) {
        if (!error.empty()) return;  // a failed rank keeps exchanging so no peer waits forever
        const double t = now();
        try {
            prepared.run(in, out, coefficients_, workspace_);
        } catch (const std::exception &e) {
            error = e.what();
        }
        stats_.compute_seconds += now() - t;
    };

    std::vector<MPI_Request> requests;
    double t = now();
    for (int d = 0; d < s; ++d) {
        exchange_->post(d, cur.data, requests, stats_);
        Exchange::wait(requests);
    }
    exchange_->post(s, cur.data, requests, stats_);
    if (exchange_->any_peer) ++stats_.exchanges;
    const bool cut_lo = exchange_->faces[s][0].peer != MPI_PROC_NULL;
    const bool cut_hi = exchange_->faces[s][1].peer != MPI_PROC_NULL;
    if (!overlap_ || !(cut_lo || cut_hi)) {
        Exchange::wait(requests);
        stats_.exchange_seconds += now() - t;
        compute(cur, next);
        grid.swap();
        return;
    }
    stats_.exchange_seconds += now() - t;
    // The inner slab: the owned rows, from owned data only. After k steps its
    // rows within k*r of a cut side are wrong (they saw no halo); the rest are final.
    const std::int64_t first = o.lo[s] - l.lo[s], count = o.extent(s), kr = std::int64_t(k) * prepared.variant().radius;
    compute(rows(cur, first, count), rows(next, first, count));
    t = now();
    Exchange::wait(requests);
    stats_.exchange_seconds += now() - t;
    // Each boundary slab reaches 2*k*r rows past the owned edge into the
    // block, so its first k*r owned rows are final; only those are kept.
    auto boundary = [&](std::int64_t slab_first, std::int64_t slab_end, std::int64_t keep_first) {
        const std::int64_t n = slab_end - slab_first;
        slab_out_.resize(static_cast<std::size_t>(n * plane) * element);
        GridView out = rows(cur, 0, n);
        out.data = slab_out_.data();
        compute(rows(cur, slab_first, n), out);
        if (!error.empty()) return;
        std::memcpy(static_cast<std::byte *>(next.data) + static_cast<std::size_t>(keep_first * plane) * element,
                    slab_out_.data() + static_cast<std::size_t>((keep_first - slab_first) * plane) * element,
                    static_cast<std::size_t>(kr * plane) * element);
    };
    if (cut_lo) boundary(0, std::min(l.extent(s), first + 2 * kr), first);
    if (cut_hi) boundary(std::max<std::int64_t>(0, first + count - 2 * kr), l.extent(s), first + count - kr);
    grid.swap();
}

void DistributedStencil::run(DistributedGrid &grid, std::span<const double> coefficients) {
    collectively(decomposition_->comm(), [&] {
        if (&grid.decomposition() != decomposition_.get()) {
            throw Error("the DistributedGrid was made for another decomposition; make it from this stencil's "
                        "decomposition()");
        }
        if (grid.dtype() != variant().dtype) throw Error("the grid's dtype is not the kernel's");
    });
    coefficients_.assign(coefficients.begin(), coefficients.end());
    const double t = now();
    std::string error;
    for (int p = 0; p < steps_ / period_; ++p) period_pass(grid, *prepared_full_, period_, error);
    if (prepared_rest_) period_pass(grid, *prepared_rest_, steps_ % period_, error);
    stats_.seconds += now() - t;
    ++stats_.runs;
    agree(decomposition_->comm(), error);
}

void DistributedStencil::run(ConstGridView owned_in, GridView owned_out, std::span<const double> coefficients) {
    if (!grid_) grid_.emplace(*decomposition_, variant().dtype);
    collectively(decomposition_->comm(), [&] {
        grid_->load(owned_in);
        GridView probe = owned_out;  // checked now: a refusal after the run would waste it
        if (!probe.data) throw Error("DistributedStencil::run: the output view has null data");
        if (probe.dtype != owned_in.dtype || probe.dims != owned_in.dims || probe.extent != owned_in.extent) {
            throw Error("DistributedStencil::run: the output view's dtype or extents differ from the input's");
        }
    });
    run(*grid_, coefficients);
    grid_->store(owned_out);
}

}  // namespace stencilforge::distributed
