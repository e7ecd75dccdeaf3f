// The distributed runtime under mpiexec (ctest runs it on 1, 2 and 4 ranks):
// every rank's block equals the same block of the single-process run of the
// same variant bit for bit, on awkward sizes, uneven splits, process grids
// cut along any dimension, and step counts that are not a multiple of the
// period; the single-process run itself is held to the plain-loop reference.
// Errors are raised on every rank alike. gtest prints from rank 0 only; a
// failure on any rank fails the process's exit code.
#include "stencilforge/distributed.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <unistd.h>

namespace sf = stencilforge;
namespace sd = stencilforge::distributed;
using sf::ConstGridView;
using sf::GridView;
using sf::VariantInfo;

namespace {

int world_rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}
int world_size() {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

std::int64_t product(const std::vector<std::int64_t> &e) {
    return std::accumulate(e.begin(), e.end(), std::int64_t{1}, std::multiplies<>());
}

// The global result of the single-process run, computed on every rank.
template <typename T>
std::vector<T> single_process(const VariantInfo &v, const std::vector<T> &input, const std::vector<std::int64_t> &extent,
                              int steps, const std::vector<double> &coeffs) {
    std::vector<T> out(input.size());
    sf::run(v.name, ConstGridView(input.data(), v.dtype, extent), GridView(out.data(), v.dtype, extent), steps, coeffs);
    return out;
}

// This rank's block cut out of a global grid.
template <typename T>
std::vector<T> block_of(const sd::Decomposition &d, const std::vector<T> &global) {
    const sd::Box &b = d.owned();
    std::vector<T> out;
    const auto &g = d.global_extent();
    for (std::int64_t z = b.lo[2]; z < b.hi[2]; ++z)
        for (std::int64_t y = b.lo[1]; y < b.hi[1]; ++y)
            for (std::int64_t x = b.lo[0]; x < b.hi[0]; ++x) out.push_back(global[x + g[0] * (y + g[1] * z)]);
    return out;
}

std::vector<std::int64_t> block_extent(const sd::Decomposition &d) { return d.owned().extents(d.dims()); }

// Cells of this rank's block that differ in any bit, summed over the ranks.
template <typename T>
long differing_cells(const std::vector<T> &got, const std::vector<T> &want) {
    long bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) bad += std::memcmp(&got[i], &want[i], sizeof(T)) != 0;
    long total = 0;
    MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    return total;
}

// Runs `v` distributed and compares with the single-process run.
template <typename T>
void check_bit_identical(const VariantInfo &v, const std::vector<std::int64_t> &extent, int steps,
                         const sd::StencilOptions &options, unsigned seed = 3) {
    const auto input = sf_test::random_grid<T>(product(extent), seed);
    const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), seed + 1);
    const auto whole = single_process(v, input, extent, steps, coeffs);
    sd::DistributedStencil stencil(MPI_COMM_WORLD, v.name, steps, extent, options);
    const auto &d = stencil.decomposition();
    const auto in_block = block_of(d, input);
    std::vector<T> out_block(in_block.size(), T(-7));
    const auto be = block_extent(d);
    stencil.run(ConstGridView(in_block.data(), v.dtype, be), GridView(out_block.data(), v.dtype, be), coeffs);
    EXPECT_EQ(differing_cells(out_block, block_of(d, whole)), 0)
        << v.name << " on " << ConstGridView(input.data(), v.dtype, extent).shape_string() << ", " << steps << " steps, "
        << world_size() << " ranks, period " << stencil.period();
    // The single-process run against the independent reference.
    const auto ref = sf::reference::apply(input, extent[0], extent[1], v.dims == 3 ? extent[2] : 1, v.dims, v.pattern,
                                          v.radius, coeffs, steps);
    EXPECT_LE(sf_test::max_rel_error(whole, ref), sf_test::tolerance_of<T>(v)) << v.name;
}

template <typename F>
void expect_error_on_every_rank(F &&f, const std::string &fragment) {
    std::string message;
    try {
        f();
    } catch (const sf::Error &e) {
        message = e.what();
    }
    EXPECT_NE(message.find(fragment), std::string::npos) << "message: '" << message << "'";
}

// The variants under test: every host variant (not an autoscheduler's,
// whose tiles need grids larger than these; not a tuning candidate) of two
// families, and one per engine and schedule of a box stencil.
std::vector<std::string> variants_under_test() {
    std::vector<std::string> names;
    for (const auto &v : sf::catalog()) {
        if (v.device != "host" || !v.autoscheduler.empty() || v.tuning_candidate) continue;
        const std::string f = sf::family_of(v);
        if (f == "star2d1r_f32" || f == "star3d1r_f64" || (f == "box2d2r_f64" && v.depth <= 4)) names.push_back(v.name);
    }
    return names;
}

class Distributed : public ::testing::TestWithParam<std::string> {};

TEST_P(Distributed, BitIdenticalToSingleProcess) {
    const VariantInfo &v = sf::require_variant(GetParam());
    // Awkward sizes; 11 and 7 steps are not multiples of the depths (remainder passes run).
    const std::vector<std::int64_t> extent = v.dims == 2 ? std::vector<std::int64_t>{83, 77} : std::vector<std::int64_t>{29, 23, 37};
    const int steps = v.dims == 2 ? 11 : 7;
    if (v.dtype == sf::DType::f32) check_bit_identical<float>(v, extent, steps, {});
    else check_bit_identical<double>(v, extent, steps, {});
}

INSTANTIATE_TEST_SUITE_P(Catalog, Distributed, ::testing::ValuesIn(variants_under_test()), [](const auto &info) {
    std::string name = info.param;
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
});

const VariantInfo &pick(const std::string &family, const std::string &schedule, int depth) {
    for (const auto &v : sf::catalog()) {
        if (sf::family_of(v) == family && v.schedule == schedule && v.depth == depth && !v.tuning_candidate) return v;
    }
    throw sf::Error("no " + family + " " + schedule + " t" + std::to_string(depth) + " in the catalog");
}

// Blocks sized by rank weights 1, 3, 5, ...: uneven, and still exact.
TEST(DistributedSplit, UnevenWeightsAreExactAndProportional) {
    const VariantInfo &v = pick("star2d1r_f64", "omp_trapezoid", 4);
    sd::StencilOptions o;
    o.decomposition.weight = 1.0 + 2.0 * world_rank();
    o.decomposition.procs = {1, world_size()};  // slices along y: the weights decide the heights
    check_bit_identical<double>(v, {67, 101}, 13, o);
    sd::DistributedStencil s(MPI_COMM_WORLD, v.name, 13, std::vector<std::int64_t>{67, 101}, o);
    for (int r = 1; r < world_size(); ++r) {
        EXPECT_GT(s.decomposition().owned_by(r).extent(1), s.decomposition().owned_by(r - 1).extent(1));
    }
}

// Every way of cutting the ranks over the dimensions, x cuts included (the
// blocking faces), with overlap on and off.
TEST(DistributedSplit, AnyProcessGridWithAndWithoutOverlap) {
    const int n = world_size();
    std::vector<std::vector<int>> grids2{{n, 1}, {1, n}}, grids3{{n, 1, 1}, {1, n, 1}, {1, 1, n}};
    if (n == 4) {
        grids2.push_back({2, 2});
        grids3.push_back({2, 1, 2});
        grids3.push_back({1, 2, 2});
    }
    for (bool overlap : {true, false}) {
        for (const auto &p : grids2) {
            sd::StencilOptions o;
            o.overlap = overlap;
            o.decomposition.procs = p;
            check_bit_identical<float>(pick("box2d2r_f32", "omp_wavefront", 2), {71, 59}, 5, o);
            check_bit_identical<double>(pick("star2d1r_f64", "temporal", 8), {90, 61}, 19, o);
        }
        for (const auto &p : grids3) {
            sd::StencilOptions o;
            o.overlap = overlap;
            o.decomposition.procs = p;
            check_bit_identical<float>(pick("star3d1r_f32", "omp_wavefront", 4), {37, 29, 31}, 9, o);
        }
    }
}

// Ghost-zone expansion without fusion: a t1 kernel with a period of 4 steps
// exchanges 4x less often, gives the same bits, and each exchange sends one
// message per neighbour.
TEST(DistributedExchange, PeriodSetsTheMessageCount) {
    const VariantInfo &v = pick("star2d1r_f32", "omp", 1);
    const std::vector<std::int64_t> extent{64, 80};
    for (int period : {1, 4}) {
        sd::StencilOptions o;
        o.period = period;
        o.decomposition.procs = {1, world_size()};
        check_bit_identical<float>(v, extent, 10, o);
        sd::DistributedStencil s(MPI_COMM_WORLD, v.name, 10, extent, o);
        sd::DistributedGrid g(s.decomposition(), v.dtype);
        const std::vector<double> c(v.num_coefficients(), 0.2);
        s.run(g, c);
        const int neighbours = (world_rank() > 0) + (world_rank() < world_size() - 1);
        const int exchanges = world_size() > 1 ? (10 + period - 1) / period : 0;
        EXPECT_EQ(s.stats().exchanges, exchanges) << "period " << period;
        EXPECT_EQ(s.stats().messages_sent, std::int64_t(exchanges) * neighbours) << "period " << period;
        EXPECT_EQ(s.period(), period);
    }
}

// Different variants per rank (any engine): one stencil, so the result
// matches the reference to the dtype's tolerance (engines round alike only
// within it).
TEST(DistributedEngines, EachRankItsOwnEngine) {
    const std::vector<std::string> schedules{"omp_trapezoid", "temporal", "omp", "tiled"};
    const std::vector<int> depths{4, 2, 1, 1};
    const int i = world_rank() % 4;
    const VariantInfo &v = pick("star2d1r_f64", schedules[i], depths[i]);
    const std::vector<std::int64_t> extent{75, 96};
    const auto input = sf_test::random_grid<double>(product(extent), 5);
    const auto coeffs = sf_test::random_coefficients(v.num_coefficients(), 6);
    sd::DistributedStencil s(MPI_COMM_WORLD, v.name, 9, extent);
    EXPECT_EQ(s.period(), 4);  // the least common multiple of the ranks' depths (4, 2, 1, 1)
    const auto in_block = block_of(s.decomposition(), input);
    std::vector<double> out(in_block.size());
    const auto be = block_extent(s.decomposition());
    s.run(ConstGridView(in_block.data(), v.dtype, be), GridView(out.data(), v.dtype, be), coeffs);
    const auto ref = sf::reference::apply(input, extent[0], extent[1], 1, 2, v.pattern, v.radius, coeffs, 9);
    std::vector<double> ref_cast(ref.begin(), ref.end());
    const auto want = block_of(s.decomposition(), ref_cast);
    double worst = 0, scale = 0;
    for (std::size_t k = 0; k < out.size(); ++k) worst = std::max(worst, std::abs(out[k] - want[k]));
    for (double x : ref) scale = std::max(scale, std::abs(x));
    double all = 0;
    MPI_Allreduce(&worst, &all, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_LE(all / scale, sf_test::tolerance<double>());
}

// Device variants on the ranks (OpenCL runs here through PoCL; CUDA needs a
// GPU): run() stages each period's host block to the device and back.
class DistributedDevice : public ::testing::TestWithParam<std::string> {};

TEST_P(DistributedDevice, MatchesItsSingleProcessRun) {
    const VariantInfo *dev = nullptr;
    for (const auto &v : sf::catalog()) {
        if (!dev && v.device == GetParam() && sf::family_of(v) == "star2d1r_f32" && v.depth == 1 && !v.tuning_candidate) {
            dev = &v;
        }
    }
    if (!dev) GTEST_SKIP() << "this build has no " << GetParam() << " variant of star2d1r_f32";
    if (!sf::device_available(dev->device)) {
        GTEST_SKIP() << dev->name << " needs a " << dev->device << " device; here: " << sf::describe_devices();
    }
    check_bit_identical<float>(*dev, {301, 203}, 7, {});
}

INSTANTIATE_TEST_SUITE_P(Devices, DistributedDevice, ::testing::Values("opencl", "cuda"));

TEST(DistributedErrors, EveryRankGetsTheSameError) {
    const std::vector<std::int64_t> small{40, 30};
    // Fewer than 8 rows per rank with an 8-cell halo: blocks thinner than the halo.
    if (world_size() > 1) {
        expect_error_on_every_rank([&] {
            sd::StencilOptions o;
            o.decomposition.procs = {1, world_size()};
            sd::DistributedStencil(MPI_COMM_WORLD, pick("star2d1r_f32", "omp_trapezoid", 8).name, 64,
                                   std::vector<std::int64_t>{40, 8 * world_size() - 1}, o);
        }, "cannot be cut into");
    }
    expect_error_on_every_rank([&] {
        sd::StencilOptions o;
        o.decomposition.procs = {world_size() + 1, 1};
        sd::DistributedStencil(MPI_COMM_WORLD, "star2d1r_f32_omp_t1", 3, small, o);
    }, "the communicator has");
    expect_error_on_every_rank([&] { sd::DistributedStencil(MPI_COMM_WORLD, "star2d1r_f32_nope_t1", 3, small); },
                               "star2d1r_f32_nope_t1");
    expect_error_on_every_rank([&] { sd::DistributedStencil(MPI_COMM_WORLD, "star2d1r_f32_omp_t1", -2, small); },
                               "steps must be in");
    expect_error_on_every_rank([&] {
        sd::StencilOptions o;
        o.period = 6;
        sd::DistributedStencil(MPI_COMM_WORLD, pick("star2d1r_f32", "omp_trapezoid", 4).name, 12, small, o);
    }, "not a multiple");
    expect_error_on_every_rank([&] {
        sd::StencilOptions o;
        o.decomposition.weight = world_rank() == world_size() - 1 ? -1.0 : 1.0;
        sd::DistributedStencil(MPI_COMM_WORLD, "star2d1r_f32_omp_t1", 3, small, o);
    }, "weight");
    // One rank asks for another stencil: every rank refuses.
    if (world_size() > 1) {
        expect_error_on_every_rank([&] {
            const std::string k = world_rank() == world_size() - 1 ? "star2d1r_f64_omp_t1" : "star2d1r_f32_omp_t1";
            sd::DistributedStencil(MPI_COMM_WORLD, k, 3, small);
        }, "the ranks run different stencils");
    }
    // A block view of the wrong shape: refused before anything is written.
    sd::DistributedStencil s(MPI_COMM_WORLD, "star2d1r_f32_omp_t1", 3, small);
    std::vector<float> in(4), out(4, 9.f);
    expect_error_on_every_rank([&] {
        s.run(ConstGridView(in.data(), sf::DType::f32, {2, 2}), GridView(out.data(), sf::DType::f32, {2, 2}),
              std::vector<double>(5, 0.2));
    }, "this rank's block is");
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float x) { return x == 9.f; }));
    // A wrong coefficient count fails in the kernel: still on every rank.
    sd::DistributedGrid g(s.decomposition(), sf::DType::f32);
    expect_error_on_every_rank([&] { s.run(g, std::vector<double>(3, 0.2)); }, "coefficients");
}

std::filesystem::path shared_dir() {
    // Rank 0 names one directory for all (they share this machine's file system).
    std::string dir = world_rank() == 0 ? (std::filesystem::temp_directory_path() /
                                           ("sf_distributed_" + std::to_string(::getpid()))).string()
                                        : std::string();
    int n = static_cast<int>(dir.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
    dir.resize(n);
    MPI_Bcast(dir.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (world_rank() == 0) std::filesystem::create_directories(dir);
    MPI_Barrier(MPI_COMM_WORLD);
    return dir;
}

TEST(DistributedIo, ScatterGatherAndParallelNpyRoundTrip) {
    const std::vector<std::int64_t> extent{21, 17, 13};
    const auto global = sf_test::random_grid<double>(product(extent), 9);
    sd::Decomposition d(MPI_COMM_WORLD, extent, 2);
    std::vector<double> block(d.owned().cells());
    const auto be = block_extent(d);
    sd::scatter(d, ConstGridView(global.data(), sf::DType::f64, extent), GridView(block.data(), sf::DType::f64, be));
    EXPECT_EQ(differing_cells(block, block_of(d, global)), 0);
    std::vector<double> back(world_rank() == 0 ? global.size() : 0);
    sd::gather(d, ConstGridView(block.data(), sf::DType::f64, be),
               world_rank() == 0 ? GridView(back.data(), sf::DType::f64, extent) : GridView{});
    if (world_rank() == 0) EXPECT_TRUE(back == global);

    const auto dir = shared_dir();
    const auto file = dir / "grid.npy";
    {
        sd::PendingNpy out(MPI_COMM_WORLD, file);
        out.commit(d, ConstGridView(block.data(), sf::DType::f64, be));
    }
    if (world_rank() == 0) {  // numpy's layout, readable by the serial reader
        const auto a = sf::npy::read(file);
        ASSERT_EQ(a.extents(), extent);
        EXPECT_EQ(std::memcmp(a.data.get(), global.data(), global.size() * sizeof(double)), 0);
    }
    const auto header = sd::read_header(MPI_COMM_WORLD, file);
    std::vector<double> read(block.size(), -1.0);
    sd::read_block(d, file, header, GridView(read.data(), sf::DType::f64, be));
    EXPECT_EQ(differing_cells(read, block), 0);

    // Errors: a missing file, a grid of another shape, an unwritable
    // destination, and an output never committed leaves nothing behind.
    expect_error_on_every_rank([&] { sd::read_header(MPI_COMM_WORLD, dir / "missing.npy"); }, "no such file");
    sd::Decomposition other(MPI_COMM_WORLD, std::vector<std::int64_t>{21, 17, 12}, 2);
    std::vector<double> other_block(other.owned().cells());
    expect_error_on_every_rank([&] {
        sd::read_block(other, file, header, GridView(other_block.data(), sf::DType::f64, block_extent(other)));
    }, "holds a 21x17x13 array");
    expect_error_on_every_rank([&] { sd::PendingNpy(MPI_COMM_WORLD, dir / "no_such_dir" / "x.npy"); }, "does not exist");
    { sd::PendingNpy abandoned(MPI_COMM_WORLD, dir / "abandoned.npy"); }
    MPI_Barrier(MPI_COMM_WORLD);
    if (world_rank() == 0) {
        int entries = 0;
        for (const auto &e : std::filesystem::directory_iterator(dir)) entries += e.path().filename() != "grid.npy";
        EXPECT_EQ(entries, 0) << "a temporary file was left in " << dir;
        std::filesystem::remove_all(dir);
    }
}

TEST(DistributedBalance, MeasuredThroughputIsPositive) {
    const double rate = sd::measure_throughput("star2d1r_f32_omp_t1", std::vector<std::int64_t>{256, 128}, 0.02);
    EXPECT_GT(rate, 1e6);
}

}  // namespace

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    // Ranks share the cores: one thread each keeps an oversubscribed run fast.
    if (world_size() > 1) sf::set_num_threads(1);
    if (world_rank() != 0) {
        auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    int failed = RUN_ALL_TESTS() != 0, any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any;
}
