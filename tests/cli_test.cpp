// The command-line tool end to end: a .npy round trip checked against the
// reference, and each class of bad input giving a non-zero exit, a message
// naming the problem, and an output file that is not written or left intact.
#include "test_support.h"

#include "HalideBuffer.h"
#include "halide_image_io.h"

#include <gtest/gtest.h>

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
        Halide::Runtime::Buffer<> b(halide_type_of<T>(), ny, nx);
        std::memcpy(b.data(), data.data(), data.size() * sizeof(T));
        EXPECT_TRUE(Halide::Tools::save(b, path(name)));
        return path(name);
    }

    void expect_failure(const std::string &args, const std::string &needle) {
        const std::string out = path("out.npy");
        { std::ofstream(out) << "sentinel"; }
        const CliResult r = run_cli(args + " --out " + out);
        EXPECT_NE(r.exit_code, 0) << args;
        EXPECT_NE(r.output.find(needle), std::string::npos) << "message: " << r.output;
        std::ifstream f(out);
        std::string content;
        f >> content;
        EXPECT_EQ(content, "sentinel") << "output file was overwritten";
        EXPECT_FALSE(fs::exists(out + ".partial.npy"));
    }
};

std::string coeff_flag(const std::vector<double> &c) {
    std::ostringstream s;
    s.precision(17);
    for (std::size_t i = 0; i < c.size(); ++i) s << (i ? "," : "") << c[i];
    return "--coeffs " + s.str();
}

TEST_F(Cli, ListShowsTheCatalog) {
    const CliResult r = run_cli("list");
    EXPECT_EQ(r.exit_code, 0);
    for (const auto &v : stencilforge::catalog()) EXPECT_NE(r.output.find(v.name), std::string::npos) << v.name;
    const CliResult j = run_cli("list --json");
    EXPECT_EQ(j.exit_code, 0);
    EXPECT_NE(j.output.find("\"schedule\": \"temporal\""), std::string::npos);
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
    Halide::Runtime::Buffer<> out;
    ASSERT_TRUE(Halide::Tools::load(path("out.npy"), &out));
    ASSERT_EQ(out.dim(0).extent(), ny);
    ASSERT_EQ(out.dim(1).extent(), nx);
    std::vector<double> got(static_cast<const double *>(out.data()), static_cast<const double *>(out.data()) + nx * ny);
    const auto ref = stencilforge::reference::apply(grid, nx, ny, 1, 2, true, 1, c, steps);
    EXPECT_LE(sf_test::max_rel_error(got, ref), 1e-12);
}

TEST_F(Cli, BadInputIsReportedAndLeavesOutputIntact) {
    const auto c5 = coeff_flag(std::vector<double>(5, 0.2));
    const std::string f32 = write_grid("f32.npy", 20, 10, sf_test::random_grid<float>(200, 1));
    const std::string f64 = write_grid("f64.npy", 20, 10, sf_test::random_grid<double>(200, 1));
    const std::string tiny = write_grid("tiny.npy", 2, 10, sf_test::random_grid<float>(20, 1));
    expect_failure("run -k star2d1r_f32_nope_t1 -i " + f32 + " " + c5, "unknown kernel");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f64 + " " + c5, "needs f32");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " --coeffs 0.5,0.5", "needs 5 coefficients");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + tiny + " " + c5, "below the stencil footprint");
    expect_failure("run -k star3d1r_f32_tiled_t1 -i " + f32 + " --coeffs 1,0,0,0,0,0,0", "expects 3-D grids");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + path("missing.npy") + " " + c5, "missing.npy");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " -s -3 " + c5, "steps");
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + f32 + " --coeffs 1,x,2,3,4", "coeffs");
    { std::ofstream(path("junk.npy")) << "not a numpy file"; }
    expect_failure("run -k star2d1r_f32_tiled_t1 -i " + path("junk.npy") + " " + c5, "cannot read");
}

}  // namespace
