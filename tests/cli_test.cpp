// The command-line tool end to end: a .npy round trip checked against the
// reference, and each class of bad input giving a non-zero exit, a message
// naming the problem, and an output file that is not written or left intact.
#include "conv_reference.h"
#include "stencilforge/machine.h"
#include "npy_bytes.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct CliResult {
    int exit_code;
    std::string output;
};

CliResult run_cli(const std::string &args) {
    const fs::path log = fs::temp_directory_path() / ("sf_cli_" + std::to_string(::getpid()) + ".log");
    const std::string cmd = std::string(SF_CLI_PATH) + " " + args + " > " + log.string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    fs::remove(log);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

class Cli : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("sf_cli_test_" + std::to_string(::getpid()));
    void SetUp() override { fs::create_directories(dir); }
    void TearDown() override { fs::remove_all(dir); }
    std::string path(const std::string &name) const { return (dir / name).string(); }

    // A (ny, nx) numpy-order array: Halide extents (ny, nx) over x-fastest memory.
    template <typename T>
    std::string write_grid(const std::string &name, int nx, int ny, const std::vector<T> &data) {
        stencilforge::npy::write(path(name), stencilforge::dtype_of<T>(), {ny, nx}, data.data());
        return path(name);
    }

    // Every file in the test directory but the inputs: no leftovers allowed.
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto &e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    void expect_failure(const std::string &args, const std::string &needle, const std::string &out_flag = "") {
        const std::string out = path("out.npy");
        { std::ofstream(out) << "sentinel"; }
        const auto before = files();
        const CliResult r = run_cli(args + " --out " + (out_flag.empty() ? out : out_flag));
        EXPECT_NE(r.exit_code, 0) << args;
        EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\nmessage: " << r.output;
        EXPECT_EQ(r.output.find("Segmentation"), std::string::npos) << r.output;
        std::ifstream f(out);
        std::string content;
        f >> content;
        EXPECT_EQ(content, "sentinel") << "output file was overwritten";
        EXPECT_EQ(files(), before) << "a file was left behind: " << args;
    }

    // A file with a hand-written header (not our writer's) and `payload` bytes.
    std::string raw_npy(const std::string &name, const std::string &dict, std::size_t payload) {
        std::ofstream(path(name), std::ios::binary) << sf_test::npy_bytes(dict, payload);
        return path(name);
    }
};

std::string coeff_flag(const std::vector<double> &c) {
    std::ostringstream s;
    s.precision(17);
    for (std::size_t i = 0; i < c.size(); ++i) s << (i ? "," : "") << c[i];
    return "--coeffs " + s.str();
}

TEST_F(Cli, ListShowsTheCatalog) {
    const CliResult r = run_cli("list --all");
    EXPECT_EQ(r.exit_code, 0);
    for (const auto &v : stencilforge::catalog()) EXPECT_NE(r.output.find(v.name), std::string::npos) << v.name;
    // The default view: one line per family, with its kernel count.
    const CliResult compact = run_cli("list");
    EXPECT_EQ(compact.exit_code, 0);
    const auto lines = std::count(compact.output.begin(), compact.output.end(), '\n');
    EXPECT_EQ(lines, static_cast<long>(stencilforge::families().size()) + 2) << compact.output;
    for (const auto &f : stencilforge::families()) EXPECT_NE(compact.output.find(f + " "), std::string::npos) << f;
    EXPECT_NE(compact.output.find(std::to_string(stencilforge::catalog().size()) + " kernels in"), std::string::npos);
    const CliResult j = run_cli("list --json");
    EXPECT_EQ(j.exit_code, 0);
    EXPECT_NE(j.output.find("\"schedule\": \"temporal\""), std::string::npos);
}

TEST_F(Cli, ListFiltersKeepOnlyMatchingKernels) {
    const CliResult r = run_cli("list --shape star3d1r --dtype f64 --engine handwritten --runs-here --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    int kept = 0;
    for (const auto &v : stencilforge::catalog()) {
        const bool keep = v.shape == "star3d1r" && v.dtype == stencilforge::DType::f64 && v.engine == "handwritten" &&
                          stencilforge::device_available(v.device);
        kept += keep;
        EXPECT_EQ(r.output.find("\"name\": \"" + v.name + "\"") != std::string::npos, keep) << v.name;
    }
    EXPECT_GT(kept, 0);
    // A value no kernel has is refused, naming the option and the values there are.
    const CliResult bad = run_cli("list --shape star9d1r");
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.output.find("--shape"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("star2d1r"), std::string::npos) << bad.output;
}

// bench: the correctness mode against the reference, the performance mode's
// throughput and roof fraction, JSON, and refusals.
TEST_F(Cli, BenchChecksAndTimesAProblem) {
    const CliResult r = run_cli("bench -k star2d1r_f64_omp_trapezoid_t4,star2d1r_f64 --grid 131x67 --steps 9 --reps 2");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("star2d1r_f64_omp_trapezoid_t4, 131x67, 9 steps"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(the pick for star2d1r_f64)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("PASS"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("% of the"), std::string::npos) << r.output;
    const CliResult j = run_cli("bench -k star3d1r_f32_omp_wavefront_t2 --grid 23x19x17 --steps 5 --reps 1 --json");
    ASSERT_EQ(j.exit_code, 0) << j.output;
    const auto rows = nlohmann::json::parse(j.output);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(rows[0]["correct"].get<bool>());
    EXPECT_LE(rows[0]["max_rel_error"].get<double>(), 1e-5);
    EXPECT_GT(rows[0]["cell_steps_per_s"].get<double>(), 0);
    EXPECT_GT(rows[0]["roof_fraction"].get<double>(), 0);
    const CliResult corr = run_cli("bench -k box2d2r_f32_temporal_t4 --grid 40x40 --steps 6 --mode corr --json");
    ASSERT_EQ(corr.exit_code, 0) << corr.output;
    EXPECT_FALSE(nlohmann::json::parse(corr.output)[0].contains("cell_steps_per_s"));
    EXPECT_NE(run_cli("bench -k star2d1r_f32 --mode fast").exit_code, 0);
    const CliResult dims = run_cli("bench -k star3d1r_f32_omp_t1 --grid 64x64 --steps 1");
    EXPECT_EQ(dims.exit_code, 1);
    EXPECT_NE(dims.output.find("3-D"), std::string::npos) << dims.output;
    // run --json: what ran and the time, for scripts.
    const std::string g = write_grid<float>("g.npy", 40, 30, sf_test::random_grid<float>(40 * 30, 3));
    const CliResult js = run_cli("run -k star2d1r_f32 -i " + g + " -o " + path("g_out.npy") + " -s 5 " + coeff_flag({0.2, 0.2, 0.2, 0.2, 0.2}) + " --json");
    ASSERT_EQ(js.exit_code, 0) << js.output;
    const auto ran = nlohmann::json::parse(js.output);
    EXPECT_EQ(ran["kernel"], "star2d1r_f32");
    EXPECT_NE(stencilforge::find_variant(ran["variant"].get<std::string>()), nullptr);
    EXPECT_EQ(ran["steps"], 5);
    const CliResult unknown = run_cli("bench -k star2d1r_f32_nope --grid 64x64");
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.output.find("star2d1r_f32_nope"), std::string::npos) << unknown.output;
}

// run on convolution kernels: a filter per boundary mode, a separable
// filter, a strided layer with bias and ReLU, a depthwise layer, each read
// back and held to the plain-loop reference within the kernel's contract.
TEST_F(Cli, RunConvolutionKernelsMatchTheReference) {
    namespace ref = stencilforge::reference;
    auto write = [&](const std::string &name, const std::vector<std::int64_t> &shape, const std::vector<float> &v) {
        stencilforge::npy::write(path(name), stencilforge::DType::f32, shape, v.data());
        return path(name);
    };
    auto read = [&](const std::string &name) {
        const auto a = stencilforge::npy::read(path(name), {1, 4});
        const float *f = reinterpret_cast<const float *>(a.data.get());
        return std::make_pair(std::vector<float>(f, f + a.header.payload_bytes / 4), a.header.shape);
    };
    auto rel = [](const std::vector<float> &got, const std::vector<double> &want) {
        double e = 0, m = 0;
        for (std::size_t i = 0; i < want.size(); ++i) e = std::max(e, std::abs(got[i] - want[i])), m = std::max(m, std::abs(want[i]));
        return e / m;
    };
    const int w = 37, h = 23, c = 2;
    const auto img = sf_test::random_grid<float>(w * h * c, 1);
    const std::string in = write("img.npy", {c, h, w}, img);
    const auto taps = sf_test::random_grid<float>(25, 2);
    const std::string k = write("k.npy", {5, 5}, taps);
    const std::vector<double> taps_d(taps.begin(), taps.end());
    for (const auto &[boundary, edge] : {std::pair{"clamp", ref::Edge::clamp}, std::pair{"mirror", ref::Edge::mirror},
                                         std::pair{"constant", ref::Edge::constant}}) {
        const std::string name = std::string("filter2d_f32_tiled_") + boundary;
        const CliResult r = run_cli("run -k " + name + " -i " + in + " -o " + path("f.npy") + " --weights " + k +
                                    " --constant 0.5 -v");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_NE(r.output.find("ran " + name), std::string::npos) << r.output;
        const auto [got, shape] = read("f.npy");
        EXPECT_EQ(shape, (std::vector<std::int64_t>{c, h, w}));
        EXPECT_LE(rel(got, ref::filter(img, w, h, c, taps_d, 5, 5, edge, 0.5)), 1e-5) << name;
    }
    const auto row = sf_test::random_grid<float>(7, 3), col = sf_test::random_grid<float>(7, 4);
    ASSERT_EQ(run_cli("run -k sepfilter_f32_tiled_mirror -i " + in + " -o " + path("s.npy") + " --row " +
                      write("row.npy", {7}, row) + " --col " + write("col.npy", {7}, col)).exit_code, 0);
    std::vector<double> outer(49);
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 7; ++x) outer[y * 7 + x] = double(col[y]) * row[x];
    EXPECT_LE(rel(read("s.npy").first, ref::filter(img, w, h, c, outer, 7, 7, ref::Edge::mirror, 0)), 1e-5);

    const ref::Layer l{2, 15, 13, 8, 6, 3, 2, 1, true, false};
    const auto x = sf_test::random_grid<float>(2 * 15 * 13 * 8, 5), wt = sf_test::random_grid<float>(3 * 3 * 8 * 6, 6),
               bias = sf_test::random_grid<float>(6, 7);
    const CliResult layer = run_cli("run -k conv_direct_f32_tiled_s2 -i " + write("x.npy", {2, 15, 13, 8}, x) + " -o " +
                                    path("y.npy") + " --weights " + write("w.npy", {3, 3, 8, 6}, wt) + " --bias " +
                                    write("b.npy", {6}, bias) + " --relu");
    ASSERT_EQ(layer.exit_code, 0) << layer.output;
    const auto [y, yshape] = read("y.npy");
    EXPECT_EQ(yshape, (std::vector<std::int64_t>{2, l.out_h(), l.out_w(), 6}));
    EXPECT_LE(rel(y, ref::conv_layer(l, x, wt, bias)), 1e-5);

    const CliResult js = run_cli("run -k filter2d_f32_tiled_clamp -i " + in + " -o " + path("f.npy") + " --weights " + k + " --json");
    ASSERT_EQ(js.exit_code, 0) << js.output;
    EXPECT_EQ(nlohmann::json::parse(js.output)["variant"], "filter2d_f32_tiled_clamp");
    const CliResult dev = run_cli("devices --json");
    ASSERT_EQ(dev.exit_code, 0) << dev.output;
    EXPECT_TRUE(nlohmann::json::parse(dev.output)["host"].get<bool>());

    const ref::Layer dl{1, 9, 11, 8, 8, 3, 1, 1, false, true};
    const auto dw = sf_test::random_grid<float>(3 * 3 * 8, 8), dx = sf_test::random_grid<float>(9 * 11 * 8, 9);
    ASSERT_EQ(run_cli("run -k depthwise3x3_f32_tiled_s1 -i " + write("dx.npy", {1, 9, 11, 8}, dx) + " -o " +
                      path("dy.npy") + " --weights " + write("dw.npy", {3, 3, 8}, dw)).exit_code, 0);
    EXPECT_LE(rel(read("dy.npy").first, ref::conv_layer(dl, dx, dw, {})), 1e-5);

    // Refusals: each names the problem, and the output stays as it was.
    { std::ofstream(path("keep.npy")) << "sentinel"; }
    for (const auto &[args, needle] : std::vector<std::pair<std::string, std::string>>{
             {"run -k filter2d_f32_tiled_clamp -i " + in + " -o " + path("keep.npy"), "needs --weights"},
             {"run -k filter2d_f32_tiled_clamp -i " + in + " -o " + path("keep.npy") + " --weights " + path("row.npy"), "holds a 1-D array; this kernel needs --weights"},
             {"run -k conv_direct_f32_tiled_s2 -i " + in + " -o " + path("keep.npy") + " --weights " + path("w.npy"), "holds a 3-D array; this kernel needs -i an NHWC"},
             {"run -k conv_direct_f32_tiled_s2 -i " + path("x.npy") + " -o " + path("keep.npy") + " --weights " + path("dw.npy"), "needs --weights (an HWIO"},
             {"run -k filter2d_f32_tiled_clamp -i " + in + " -o " + path("keep.npy") + " -c 1,2", "--weights, not --coeffs"},
             {"run -k star2d1r_f32_omp_t1 -i " + in + " -o " + path("keep.npy"), "needs --coeffs"},
             {"run -k filter2d_f32_tiled_clamp -i " + path("keep.npy") + " -o " + path("keep.npy") + " --weights " + k,
              "is the input file; pass --in-place"}}) {
        const CliResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 1) << args;
        EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
        std::ifstream f(path("keep.npy"));
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>(f), {}), "sentinel") << args;
    }
}

TEST_F(Cli, VersionPrintsTheLibraryVersion) {
    const CliResult r = run_cli("--version");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find("stencilforge " + stencilforge::library_version()), std::string::npos) << r.output;
}

TEST_F(Cli, ListConvShowsTheConvolutionCatalog) {
    const CliResult r = run_cli("list-conv");
    EXPECT_EQ(r.exit_code, 0);
    for (const auto &v : stencilforge::conv_catalog()) EXPECT_NE(r.output.find(v.name), std::string::npos) << v.name;
    const CliResult j = run_cli("list-conv --json");
    EXPECT_EQ(j.exit_code, 0);
    EXPECT_NE(j.output.find("\"algorithm\": \"conv_winograd_f4x4\""), std::string::npos);
}

TEST_F(Cli, RunMatchesReference) {
    const int nx = 29, ny = 17, steps = 7;
    const auto grid = sf_test::random_grid<double>(nx * ny, 5);
    const auto c = sf_test::random_coefficients(9, 6);
    const std::string in = write_grid("in.npy", nx, ny, grid);
    const CliResult r = run_cli("run -k box2d1r_f64_temporal_t4 -i " + in + " -o " + path("out.npy") +
                                " -s " + std::to_string(steps) + " " + coeff_flag(c));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto out = stencilforge::npy::read(path("out.npy"));
    ASSERT_EQ(out.header.shape, (std::vector<std::int64_t>{ny, nx}));
    ASSERT_EQ(out.header.dtype, stencilforge::DType::f64);
    const auto *p = reinterpret_cast<const double *>(out.data.get());
    std::vector<double> got(p, p + nx * ny);
    const auto ref = stencilforge::reference::apply(grid, nx, ny, 1, 2, stencilforge::Pattern::box, 1, c, steps);
    EXPECT_LE(sf_test::max_rel_error(got, ref), 1e-12);
}

// A family name runs the auto pick; -v says which variant ran. The record
// path is the test's own (none there): never the user's cache.
TEST_F(Cli, FamilyRunMatchesReferenceAndSaysWhatRan) {
    ::setenv("STENCILFORGE_TUNING_RECORD", path("none.json").c_str(), 1);
    const int nx = 31, ny = 23, steps = 6;
    const auto grid = sf_test::random_grid<float>(nx * ny, 8);
    const auto c = sf_test::random_coefficients(5, 3);
    const std::string in = write_grid("in.npy", nx, ny, grid);
    const CliResult r = run_cli("run -k star2d1r_f32 -v -i " + in + " -o " + path("out.npy") + " -s " +
                                std::to_string(steps) + " " + coeff_flag(c));
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("ran star2d1r_f32_"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(the pick for star2d1r_f32)"), std::string::npos) << r.output;
    const auto out = stencilforge::npy::read(path("out.npy"));
    const auto *p = reinterpret_cast<const float *>(out.data.get());
    std::vector<float> got(p, p + nx * ny);
    const auto ref = stencilforge::reference::apply(grid, nx, ny, 1, 2, stencilforge::Pattern::star, 1, c, steps);
    EXPECT_LE(sf_test::max_rel_error(got, ref), sf_test::tolerance<float>());
}

TEST_F(Cli, TuneWritesTheRecordDescribeThenReads) {
    const std::string record = path("tuning.json");
    const CliResult t = run_cli("tune -f star2d1r_f64 --grid 40x30 --budget 30 --reps 1 --record " + record);
    ASSERT_EQ(t.exit_code, 0) << t.output;
    EXPECT_NE(t.output.find("record: " + record), std::string::npos) << t.output;
    ::setenv("STENCILFORGE_TUNING_RECORD", record.c_str(), 1);
    const CliResult d = run_cli("describe star2d1r_f64 --grid 40x30 --steps 8");
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
    ASSERT_EQ(d.exit_code, 0) << d.output;
    EXPECT_NE(d.output.find("why: tuning record " + record), std::string::npos) << d.output;
    EXPECT_NE(d.output.find("c[4] offset dx=0 dy=1"), std::string::npos) << d.output;  // still the coefficient order
    // Bad requests: nothing measured, nothing written.
    const auto before = files();
    for (const auto &[args, needle] : std::vector<std::pair<std::string, std::string>>{
             {"tune -f nope_f32 --budget 5 --record " + path("r.json"), "unknown kernel family 'nope_f32'"},
             {"tune -f star2d1r_f32 --budget 5 --record " + path("missing/r.json"), "missing"},
             {"tune -f star2d1r_f32 --budget 5 --record " + dir.string(), "is a directory"},
             {"tune -f star2d1r_f32 --grid 40 --budget 5 --record " + path("r.json"), "--grid '40'"},
             {"describe star2d1r_f32 --grid 8x8x8", "is 2-D; the grid has 3 extents"}}) {
        const CliResult r = run_cli(args);
        EXPECT_NE(r.exit_code, 0) << args;
        EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\nmessage: " << r.output;
        EXPECT_EQ(files(), before) << "a file was left behind: " << args;
    }
}

// bench's roof beyond the LLC: a kernel with non-temporal stores is held to
// the record's streaming copy, one with ordinary stores to the ordinary
// copy. The roofs are the test's, far below any FMA roof, on a grid pair
// larger than this machine's LLC.
TEST_F(Cli, BenchHoldsStreamingStoresToTheStreamingCopy) {
    const std::string record = path("tuning.json");
    ASSERT_EQ(run_cli("tune -f star2d1r_f64 --grid 40x30 --budget 30 --reps 1 --record " + record).exit_code, 0);
    nlohmann::json file = nlohmann::json::parse(std::ifstream(record));
    for (auto &r : file["records"]) {
        r["roofs"]["dram_copy_bytes_per_s"] = 1e9;
        r["roofs"]["dram_streaming_copy_bytes_per_s"] = 3e9;
        r["roofs"]["llc_copy_bytes_per_s"] = 5e9;
    }
    std::ofstream(record) << file.dump();
    const auto side = static_cast<std::int64_t>(std::sqrt(double(stencilforge::llc_bytes()) / 4)) + 64;
    const std::string grid = std::to_string(side) + "x" + std::to_string(side);
    ::setenv("STENCILFORGE_TUNING_RECORD", record.c_str(), 1);
    const CliResult r = run_cli("bench -k star2d1r_f32_omp_stream_t1,star2d1r_f32_omp_t1 --grid " + grid +
                                " --steps 1 --reps 1 --mode perf --json");
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto rows = nlohmann::json::parse(r.output);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["roof"], "DRAM bandwidth, non-temporal stores");
    EXPECT_DOUBLE_EQ(rows[0]["roof_cell_steps_per_s"].get<double>(), 3e9 / 8);  // 4 bytes in, 4 out per cell
    EXPECT_EQ(rows[1]["roof"], "DRAM bandwidth");
    EXPECT_DOUBLE_EQ(rows[1]["roof_cell_steps_per_s"].get<double>(), 1e9 / 8);
    // A record from before the streaming rate was kept: measured instead.
    for (auto &r : file["records"]) r["roofs"].erase("dram_streaming_copy_bytes_per_s");
    std::ofstream(record) << file.dump();
    ::setenv("STENCILFORGE_TUNING_RECORD", record.c_str(), 1);
    const CliResult old = run_cli("bench -k star2d1r_f32_omp_stream_t1 --grid " + grid + " --steps 1 --reps 1 --mode perf --json");
    // One that is not a rate is malformed, named by the pick that reads it.
    for (auto &r : file["records"]) r["roofs"]["dram_streaming_copy_bytes_per_s"] = -1;
    std::ofstream(record) << file.dump();
    const CliResult bad = run_cli("describe star2d1r_f32 --grid 40x30 --steps 8");
    ::unsetenv("STENCILFORGE_TUNING_RECORD");
    ASSERT_EQ(old.exit_code, 0) << old.output;
    const auto measured = nlohmann::json::parse(old.output)[0];
    EXPECT_EQ(measured["roof"], "DRAM bandwidth, non-temporal stores");
    EXPECT_GT(measured["roof_cell_steps_per_s"].get<double>(), 0);
    EXPECT_NE(measured["roof_cell_steps_per_s"].get<double>(), 3e9 / 8);
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.output.find("streaming copy rate is not a positive rate"), std::string::npos) << bad.output;
}

TEST_F(Cli, BadInputIsReportedAndLeavesOutputIntact) {
    const auto c5 = coeff_flag(std::vector<double>(5, 0.2));
    const std::string f32 = write_grid("f32.npy", 20, 10, sf_test::random_grid<float>(200, 1));
    const std::string f64 = write_grid("f64.npy", 20, 10, sf_test::random_grid<double>(200, 1));
    const std::string tiny = write_grid("tiny.npy", 2, 10, sf_test::random_grid<float>(20, 1));
    expect_failure("run -k star2d1r_f32_nope_t1 -i " + f32 + " " + c5, "unknown kernel");
    expect_failure("run -k star3d1r_f32 -i " + f32 + " --coeffs 1,0,0,0,0,0,0", "is 3-D: it needs an (nz, ny, nx) array");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f64 + " " + c5, "needs float32 (f32)");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " --coeffs 0.5,0.5", "needs 5 coefficients");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + tiny + " " + c5, "below the stencil footprint");
    expect_failure("run -k star3d1r_f32_tiled_t1 -i " + f32 + " --coeffs 1,0,0,0,0,0,0", "is 3-D: it needs an (nz, ny, nx) array");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + path("missing.npy") + " " + c5, "missing.npy");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " -s -3 " + c5, "steps");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " --coeffs 1,x,2,3,4", "--coeffs field 2 ('x') is not a number");
    { std::ofstream(path("junk.npy")) << "not a numpy file"; }
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + path("junk.npy") + " " + c5, "is not a .npy file");
}

TEST_F(Cli, HostileFilesAreRefusedBeforeAnyAllocation) {
    const auto c5 = coeff_flag(std::vector<double>(5, 0.2));
    const std::string run = "run -k star2d1r_f32_tiled_t1 " + c5 + " -i ";
    const auto f4 = [](const std::string &shape) { return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }"; };
    expect_failure(run + raw_npy("a.npy", f4("(2147483648, 4)"), 64), "shape axis 0 is 2147483648");
    expect_failure(run + raw_npy("b.npy", f4("(3037000500, 3037000500)"), 64), "every extent must be in [1, 2^31)");
    expect_failure(run + raw_npy("c.npy", f4("(1048576, 1048576)"), 64), "the file is truncated");
    expect_failure(run + raw_npy("d.npy", f4("(0, 16)"), 0), "shape axis 0 is 0");
    expect_failure(run + raw_npy("e.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (8, 8), }", 256), "int32");
    // The content decides, not the name: a .pgm with a hostile .npy header is read as .npy and refused.
    expect_failure(run + raw_npy("f.pgm", "{'descr': '<f8', 'fortran_order': False, 'shape': (200000, 200000), }", 0),
                   "the file is truncated");
    { std::ofstream(path("g.pgm")) << "P5\n4 4\n255\n0123456789abcdef"; }
    expect_failure(run + path("g.pgm"), "PGM");
    { std::ofstream(path("h.npy"), std::ios::binary) << std::string("\x93NUMPY\x02\x00\xf0\xff\xff\xff{", 13); }
    expect_failure(run + path("h.npy"), "exceeds the 65536-byte limit");
}

TEST_F(Cli, DestinationsAreCheckedBeforeTheCompute) {
    const auto c5 = coeff_flag(std::vector<double>(5, 0.2));
    const std::string in = write_grid("in.npy", 20, 10, sf_test::random_grid<float>(200, 1));
    const std::string run = "run -k star2d1r_f32_tiled_t1 " + c5 + " -i " + in;
    expect_failure(run, "does not exist", path("missing/out.npy"));
    expect_failure(run, "is a directory", dir.string());
    expect_failure(run, "cannot create a file in '/proc'", "/proc/sf_out.npy");
    expect_failure(run, "is the input file; pass --in-place", in);
    const auto before = stencilforge::npy::read(in);
    ASSERT_EQ(run_cli(run + " --out " + in + " --in-place").exit_code, 0);
    const auto after = stencilforge::npy::read(in);
    EXPECT_NE(std::memcmp(before.data.get(), after.data.get(), 800), 0);
}

TEST_F(Cli, FlagsAreParsedStrictly) {
    const std::string in = write_grid("in.npy", 20, 10, sf_test::random_grid<float>(200, 1));
    const std::string run = "run -k star2d1r_f32_tiled_t1 -i " + in + " ";
    expect_failure(run + "-c 0.2,,0.2,0.2,0.2,0.2", "--coeffs field 2 is empty");
    expect_failure(run + "-c 0.2,0.2,0.2,0.2,", "--coeffs field 5 is empty");
    expect_failure(run + "-c 1e999,0.2,0.2,0.2,0.2", "--coeffs field 1 ('1e999') is not a finite number");
    expect_failure(run + "-c nan,0.2,0.2,0.2,0.2", "is not a finite number");
    expect_failure(run + "-c 0.2,0.2,0.2,0.2,0.2abc", "--coeffs field 5 ('0.2abc') is not a number");
    expect_failure(run + "-c 0.2,0.2,0.2,0.2", "needs 5 coefficients");
    const std::string c5 = coeff_flag(std::vector<double>(5, 0.2)) + " ";
    expect_failure(run + c5 + "-s -1", "not in range 0 to 100000000");
    expect_failure(run + c5 + "-s 2147483647", "not in range 0 to 100000000");
    expect_failure(run + c5 + "-s 5x", "steps");
    expect_failure(run + c5 + "-t -2", "threads");
}

TEST_F(Cli, MessagesNameWhatTheUserControls) {
    const std::string in = write_grid("in.npy", 20, 10, sf_test::random_grid<float>(200, 1));
    const std::string run = "run -i " + in + " " + coeff_flag(std::vector<double>(5, 0.2)) + " -k ";
    expect_failure(run + "star2d1r_f32_tiled", "did you mean star2d1r_f32_tiled_t1");
    expect_failure(run + "star2d1r_f23_temporal_t4", "did you mean star2d1r_f32_temporal_t4");
    expect_failure(run + "star2d1r_f32_li2018_t4 -s 5", "does not run on grid 20x10: its tiles need");
    const CliResult r = run_cli(run + "star2d1r_f32_li2018_t4 -s 5 -o " + path("x.npy"));
    EXPECT_EQ(r.output.find("buffer"), std::string::npos) << r.output;
    const std::string i32 = raw_npy("i.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (10, 20), }", 800);
    expect_failure("run -i " + i32 + " " + coeff_flag(std::vector<double>(5, 0.2)) + " -k star2d1r_f32_tiled_t1",
                   "holds int32 ('<i4') data");
}

TEST_F(Cli, SigintStopsARunAndLeavesTheOutput) {
    const std::string in = write_grid("in.npy", 64, 64, sf_test::random_grid<float>(64 * 64, 1));
    const std::string out = path("out.npy");
    { std::ofstream(out) << "sentinel"; }
    const auto before = files();
    // 10^8 single steps would take minutes: interrupted after half a second.
    const std::string cmd = std::string("timeout --preserve-status -s INT 0.5 ") + SF_CLI_PATH + " run -k star2d1r_f32_tiled_t1 -i " + in +
                            " -o " + out + " -s 100000000 " + coeff_flag(std::vector<double>(5, 0.2)) + " 2> " +
                            path("log");
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    std::ifstream log(path("log"));
    std::stringstream ss;
    ss << log.rdbuf();
    EXPECT_NE(ss.str().find("of 100000000 steps (interrupted)"), std::string::npos) << ss.str();
    fs::remove(path("log"));
    std::ifstream f(out);
    std::string content;
    f >> content;
    EXPECT_EQ(content, "sentinel");
    EXPECT_EQ(files(), before);
}

}  // namespace
