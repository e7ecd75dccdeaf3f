// The .npy reader and writer: round trips against headers written byte by
// byte here (numpy's format, not our writer's), every refusal class with its
// message, and a writer that never leaves a partial file or touches the
// destination on failure.
#include "npy_bytes.h"
#include "stencilforge/npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace stencilforge;

using sf_test::npy_bytes;

std::span<const std::byte> as_bytes(const std::string &s) {
    return {reinterpret_cast<const std::byte *>(s.data()), s.size()};
}

void expect_refused(const std::string &file, const std::string &needle) {
    try {
        (void)npy::from_bytes(as_bytes(file), "x.npy");
        ADD_FAILURE() << "accepted; expected: " << needle;
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'x.npy'"), std::string::npos) << e.what();
    }
}

TEST(NpyRead, AcceptsNumpysSpellings) {
    // numpy's own header, then key order, quotes, spacing and versions it also accepts.
    for (const std::string dict : {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }",
                                   "{\"shape\":(3,5),\"descr\":\"=f4\",\"fortran_order\":False}",
                                   "{ 'fortran_order' : False , 'descr' : 'f4' , 'shape' : ( 3 , 5 , ) }"}) {
        for (int major : {1, 2, 3}) {
            const std::string file = npy_bytes(dict, 60, major);
            const auto a = npy::from_bytes(as_bytes(file), "x.npy");
            EXPECT_EQ(a.header.dtype, DType::f32) << dict;
            EXPECT_EQ(a.header.shape, (std::vector<std::int64_t>{3, 5}));
            EXPECT_EQ(a.extents(), (std::vector<std::int64_t>{5, 3}));  // x first
            EXPECT_EQ(std::memcmp(a.data.get(), file.data() + file.size() - 60, 60), 0);
        }
    }
    const auto d = npy::from_bytes(as_bytes(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }",
                                                      2 * 3 * 4 * 8)),
                                   "x.npy");
    EXPECT_EQ(d.header.dtype, DType::f64);
    EXPECT_EQ(d.view().dims, 3);
    EXPECT_EQ(d.view().shape_string(), "4x3x2");
}

TEST(NpyRead, RefusesEachBadHeaderByName) {
    const auto f4 = [](const std::string &shape) {
        return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    };
    expect_refused("not a numpy file at all", "is not a .npy file");
    expect_refused("P5\n4 4\n255\n0000000000000000", "PGM");
    expect_refused("\x89PNG\r\n\x1a\n....", "PNG");
    expect_refused(npy_bytes(f4("(2, 2)"), 16).replace(6, 1, "\x04"), "version 4.0");
    expect_refused(npy_bytes(f4("(2, 2)"), 16, 2, 0xFFFFFFF0u), "exceeds the 65536-byte limit");
    expect_refused(npy_bytes(f4("(2, 2)"), 16, 1, 0xFFFF), "runs past the end");
    expect_refused(std::string("\x93NUMPY\x01", 7), "truncated");
    expect_refused(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", 16), "int32");
    expect_refused(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", 16), "big-endian float32");
    expect_refused(npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", 8), "float16");
    expect_refused(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8), "structured");
    expect_refused(npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16), "Fortran order");
    expect_refused(npy_bytes(f4("(2, 2)") + "junk", 16), "text after the dict");
    expect_refused(npy_bytes("{'descr': '<f4', 'shape': (2, 2), }", 16), "no 'fortran_order'");
    expect_refused(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", 16), "unknown key");
    expect_refused(npy_bytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", 16), "twice");
    expect_refused(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2}", 16), "malformed");
    expect_refused(npy_bytes(f4("(16,)"), 64), "1-D array");
    expect_refused(npy_bytes(f4("(2, 2, 2, 2)"), 64), "4-D array");
    expect_refused(npy_bytes(f4("(0, 4)"), 0), "shape axis 0 is 0");
    expect_refused(npy_bytes(f4("(4, -1)"), 0), "shape axis 1 is -1");
    expect_refused(npy_bytes(f4("(2147483648, 4)"), 0), "shape axis 0 is 2147483648");
    expect_refused(npy_bytes(f4("(3037000500, 3037000500)"), 0), "in [1, 2^31)");
    expect_refused(npy_bytes(f4("(99999999999999999999999999, 2)"), 0), "in [1, 2^31)");
    expect_refused(npy_bytes(f4("(1048576, 1048576)"), 64), "(the file is truncated)");
    expect_refused(npy_bytes(f4("(2147483647, 2147483647, 2147483647)"), 8), "more cells than fit");
    expect_refused(npy_bytes(f4("(2, 2)"), 17), "holds 17 bytes of data");
}

TEST(NpyRead, FileErrorsNameTheFile) {
    const fs::path dir = fs::temp_directory_path() / ("sf_npy_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    for (const auto &[path, needle] : {std::pair{dir / "missing.npy", "no such file"}, std::pair{dir, "is a directory"}}) {
        try {
            (void)npy::read(path);
            ADD_FAILURE() << path;
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    }
    fs::remove_all(dir);
}

class NpyWrite : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("sf_npy_write_" + std::to_string(::getpid()));
    void SetUp() override { fs::create_directories(dir); }
    void TearDown() override { fs::remove_all(dir); }
    std::vector<fs::path> entries() const {
        std::vector<fs::path> e;
        for (const auto &p : fs::directory_iterator(dir)) e.push_back(p.path().filename());
        return e;
    }
};

TEST_F(NpyWrite, HeaderIsNumpysAndRoundTrips) {
    const std::vector<double> data = {1.5, -2.25, 3, 4, 5, 6};
    npy::write(dir / "a.npy", DType::f64, {2, 3}, data.data());
    std::ifstream f(dir / "a.npy", std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string file = ss.str();
    // numpy's exact bytes for np.save of a (2, 3) float64 array.
    const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    ASSERT_EQ(file.size(), 128u + data.size() * 8);
    EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    EXPECT_EQ(static_cast<unsigned char>(file[8]) + 256 * static_cast<unsigned char>(file[9]), 118);
    EXPECT_EQ(file.substr(10, header.size()), header);
    EXPECT_EQ(file[127], '\n');  // the newline ends the header: numpy does not warn
    EXPECT_EQ(file.find_first_not_of(' ', 10 + header.size()), 127u);
    const auto back = npy::read(dir / "a.npy");
    EXPECT_EQ(back.header.shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(std::memcmp(back.data.get(), data.data(), 48), 0);
}

TEST_F(NpyWrite, FailuresLeaveNothingAndKeepTheDestination) {
    const float x[4] = {1, 2, 3, 4};
    const auto expect_error = [&](const fs::path &p, const std::string &needle) {
        try {
            npy::write(p, DType::f32, {2, 2}, x);
            ADD_FAILURE() << p;
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    expect_error(dir / "no" / "such" / "dir.npy", "does not exist");
    expect_error(dir, "is a directory");
    { std::ofstream(dir / "file") << "x"; }
    expect_error(dir / "file" / "below.npy", "is not a directory");
    expect_error("", "no output path");
    expect_error("/proc/sf_cannot_create.npy", "cannot create a file");
    EXPECT_EQ(entries(), std::vector<fs::path>{"file"});

    // An unfinished PendingFile is removed and leaves an existing file as it was.
    { std::ofstream(dir / "keep.npy") << "sentinel"; }
    {
        npy::PendingFile pending(dir / "keep.npy");
        EXPECT_EQ(entries().size(), 3u);  // the temporary file exists while pending
    }
    std::ifstream f(dir / "keep.npy");
    std::string s;
    f >> s;
    EXPECT_EQ(s, "sentinel");
    EXPECT_EQ(entries().size(), 2u);
}

}  // namespace
