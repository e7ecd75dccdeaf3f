// Family names and the auto pick: the pick runs and matches the reference on
// awkward sizes, step counts below the fused depths and the smallest legal
// grids, with no tuning record, with one for this machine (obeyed), with one
// for another machine (ignored, saying so) and with a malformed one (an
// error naming the file); tune() on a tiny budget writes a record the pick
// then follows.
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>

namespace {

namespace fs = std::filesystem;
using namespace stencilforge;

class Select : public ::testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("sf_select_test_" + std::to_string(::getpid()));
    std::string record = (dir / "tuning.json").string();
    void SetUp() override {
        fs::create_directories(dir);
        ::setenv("STENCILFORGE_TUNING_RECORD", record.c_str(), 1);  // never the user's own record
    }
    void TearDown() override {
        ::unsetenv("STENCILFORGE_TUNING_RECORD");
        fs::remove_all(dir);
    }

    // A record for this machine: `family` on `grid`, the given rates.
    TuningRecord fake_record(const std::string &family, std::vector<std::int64_t> grid,
                             std::vector<Measurement> measured) const {
        TuningRecord r;
        r.key = current_tuning_key();
        r.created = "2026-01-01T00:00:00Z";
        r.dram_copy_bytes_per_s = 4e10;
        r.llc_copy_bytes_per_s = 1.5e11;
        r.fma_f32_flops = 5e11;
        r.fma_f64_flops = 2.5e11;
        r.entries.push_back({family, std::move(grid), std::move(measured)});
        return r;
    }
};

const VariantInfo &member(const std::string &family) {
    for (const auto &v : catalog()) {
        if (v.shape + "_" + to_string(v.dtype) == family) return v;
    }
    throw std::runtime_error("no member of " + family);
}

// run(family) on this grid and step count against the reference; returns the pick.
template <typename T>
const VariantInfo *check_family_run(const std::string &family, std::vector<std::int64_t> e, int steps) {
    const VariantInfo &any = member(family);
    const std::int64_t nz = any.dims == 3 ? e[2] : 1, cells = e[0] * e[1] * nz;
    const auto in = sf_test::random_grid<T>(cells, 5);
    std::vector<T> out(cells);
    const auto c = sf_test::random_coefficients(any.num_coefficients(), 9);
    const Selection s = select_variant(family, e, steps);
    run(family, ConstGridView(in.data(), any.dtype, e), GridView(out.data(), any.dtype, e), steps, c);
    const auto ref = reference::apply(in, e[0], e[1], nz, any.dims, any.pattern, any.radius, c, steps);
    EXPECT_LE(sf_test::max_rel_error(out, ref), sf_test::tolerance_of<T>(*s.variant))
        << family << " picked " << s.variant->name << " steps " << steps;
    EXPECT_LE(s.variant->depth, std::max(steps, 1)) << s.variant->name;
    EXPECT_EQ(s.variant->device, "host");
    for (std::size_t d = 0; d < s.variant->planned_grid.size(); ++d) EXPECT_GE(e[d], s.variant->planned_grid[d]);
    return s.variant;
}

TEST_F(Select, FamilyNames) {
    EXPECT_TRUE(is_family("star2d1r_f32"));
    EXPECT_TRUE(is_family("box3d1r_f64"));
    EXPECT_FALSE(is_family("star2d1r"));
    EXPECT_FALSE(is_family("star2d1r_f32_omp_t1"));
    EXPECT_FALSE(is_family("star2d1r_f16"));
    for (const auto &v : catalog()) {
        const std::string f = v.shape + "_" + to_string(v.dtype);
        EXPECT_TRUE(is_family(f)) << f;
        const auto all = families();
        EXPECT_NE(std::find(all.begin(), all.end(), f), all.end()) << f;
    }
}

// Every family, ragged and smallest grids, steps 0 (a copy), below and past every depth.
TEST_F(Select, PickMatchesReferenceWithoutRecord) {
    for (const std::string &f : families()) {
        const VariantInfo &v = member(f);
        const std::int64_t m = v.min_extent();
        const std::vector<std::vector<std::int64_t>> grids =
            v.dims == 2 ? std::vector<std::vector<std::int64_t>>{{67, 45}, {m, m}, {m + 16, m}}
                        : std::vector<std::vector<std::int64_t>>{{37, 21, 19}, {m, m, m}};
        for (const auto &g : grids) {
            for (int steps : {0, 1, 3, 9}) {
                if (v.dtype == DType::f32) {
                    check_family_run<float>(f, g, steps);
                } else {
                    check_family_run<double>(f, g, steps);
                }
            }
        }
    }
}

TEST_F(Select, SaysWhyWithoutRecord) {
    const std::vector<std::int64_t> g{2048, 2048};
    const Selection s = select_variant("star2d1r_f32", g, 8);
    EXPECT_FALSE(s.from_record);
    EXPECT_NE(s.reason.find("model"), std::string::npos) << s.reason;
    EXPECT_NE(s.record_message.find("no tuning record"), std::string::npos) << s.record_message;
    EXPECT_GT(s.expected_cell_steps_per_s, 0);
}

// claim_tuning_record: an unwritable destination is an Error naming it, up
// front; a writable one is left as it was (no file created, none left).
TEST_F(Select, ClaimingARecordChecksItAndWritesNothing) {
    const std::string missing = (std::filesystem::temp_directory_path() / "sf_no_such_dir" / "record.json").string();
    try {
        claim_tuning_record(missing);
        ADD_FAILURE() << "no error for " << missing;
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    claim_tuning_record(record);
    EXPECT_FALSE(std::filesystem::exists(record));
}

TEST_F(Select, RecordIsObeyed) {
    // The record says tiled is fastest and omp_trapezoid_t8 second: the pick follows it,
    // and falls to the next measured variant the step count allows.
    save_tuning_record(fake_record("star2d1r_f32", {70, 50},
                                   {{"star2d1r_f32_omp_trapezoid_t8", 9e10}, {"star2d1r_f32_tiled_t1", 5e10},
                                    {"star2d1r_f32_omp_t1", 1e9}}),
                       record);
    const std::vector<std::int64_t> g{67, 45};
    const Selection deep = select_variant("star2d1r_f32", g, 16);
    EXPECT_TRUE(deep.from_record) << deep.record_message;
    EXPECT_EQ(deep.variant->name, "star2d1r_f32_omp_trapezoid_t8");
    EXPECT_NE(deep.reason.find(record), std::string::npos) << deep.reason;
    const Selection shallow = select_variant("star2d1r_f32", g, 3);
    EXPECT_EQ(shallow.variant->name, "star2d1r_f32_tiled_t1");
    EXPECT_EQ(check_family_run<float>("star2d1r_f32", g, 3)->name, "star2d1r_f32_tiled_t1");
    EXPECT_EQ(check_family_run<float>("star2d1r_f32", g, 16)->name, "star2d1r_f32_omp_trapezoid_t8");
    // 17 steps: trapezoid_t8's 17th step falls to its remainder, omp, which the
    // record times at 1 G cell-steps/s: 16/90G + 1/1G s per cell is slower than 17/50G.
    EXPECT_EQ(check_family_run<float>("star2d1r_f32", g, 17)->name, "star2d1r_f32_tiled_t1");
    // Another family has no entry: the model picks, and says the record had none.
    const Selection other = select_variant("star2d1r_f64", g, 3);
    EXPECT_FALSE(other.from_record);
    EXPECT_NE(other.record_message.find("no entry for star2d1r_f64"), std::string::npos) << other.record_message;
}

TEST_F(Select, RecordNamingUnknownVariantsFallsBackToModel) {
    save_tuning_record(fake_record("star2d1r_f32", {64, 64}, {{"star2d1r_f32_not_built_t4", 9e10}}), record);
    const std::vector<std::int64_t> g{64, 64};
    const Selection s = select_variant("star2d1r_f32", g, 8);
    EXPECT_FALSE(s.from_record);
    EXPECT_NE(s.record_message.find("names no variant"), std::string::npos) << s.record_message;
    check_family_run<float>("star2d1r_f32", g, 8);
}

TEST_F(Select, ForeignRecordIsIgnoredWithMessage) {
    TuningRecord r = fake_record("star2d1r_f32", {67, 45}, {{"star2d1r_f32_tiled_t1", 9e10}});
    r.key.cpu = "Some Other CPU (family 1 model 2)";
    save_tuning_record(r, record);
    const std::vector<std::int64_t> g{67, 45};
    const Selection s = select_variant("star2d1r_f32", g, 5);
    EXPECT_FALSE(s.from_record);
    EXPECT_NE(s.record_message.find("another machine"), std::string::npos) << s.record_message;
    EXPECT_NE(s.record_message.find("Some Other CPU"), std::string::npos) << s.record_message;
    check_family_run<float>("star2d1r_f32", g, 5);
    // Other thread counts and library versions are other keys too.
    std::string why;
    r.key = current_tuning_key();
    r.key.threads += 1;
    save_tuning_record(r, record);
    EXPECT_FALSE(load_tuning_record(record, &why).has_value());
    r.key = current_tuning_key();
    r.key.library = "0.0.0-old";
    save_tuning_record(r, record);
    EXPECT_FALSE(load_tuning_record(record, &why).has_value());
    EXPECT_NE(why.find("0.0.0-old"), std::string::npos) << why;
}

TEST_F(Select, RecordsOfOtherKeysAreKept) {
    TuningRecord mine = fake_record("star2d1r_f32", {67, 45}, {{"star2d1r_f32_tiled_t1", 9e10}});
    TuningRecord other = mine;
    other.key.isa = other.key.isa == "avx2" ? "avx512" : "avx2";
    other.entries[0].measured[0].cell_steps_per_s = 1e9;
    save_tuning_record(other, record);
    save_tuning_record(mine, record);
    mine.entries[0].measured[0].cell_steps_per_s = 7e10;
    save_tuning_record(mine, record);  // replaces its own key's record, keeps the other
    std::ifstream f(record);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"isa\": \"" + other.key.isa + "\""), std::string::npos);
    const auto loaded = load_tuning_record(record);
    ASSERT_TRUE(loaded.has_value());
    ASSERT_EQ(loaded->entries.size(), 1u);
    EXPECT_DOUBLE_EQ(loaded->entries[0].measured[0].cell_steps_per_s, 7e10);
}

TEST_F(Select, MalformedRecordIsAnErrorNamingTheFile) {
    for (const std::string text : {"{not json", "[]", "{\"format\": \"stencilforge-tuning-1\"}",
                                   "{\"format\": \"stencilforge-tuning-1\", \"records\": [{\"key\": 3}]}"}) {
        { std::ofstream(record) << text; }
        const std::vector<std::int64_t> g{40, 40};
        try {
            select_variant("star2d1r_f32", g, 2);
            ADD_FAILURE() << "accepted " << text;
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find(record), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
        }
    }
}

TEST_F(Select, UnwritableRecordPathFailsAndLeavesNothing) {
    const TuningRecord r = fake_record("star2d1r_f32", {40, 40}, {{"star2d1r_f32_tiled_t1", 1e9}});
    EXPECT_THROW(save_tuning_record(r, (dir / "missing" / "t.json").string()), Error);
    EXPECT_THROW(save_tuning_record(r, dir.string()), Error);  // a directory
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(Select, BadCallsAreErrors) {
    const std::vector<std::int64_t> g2{32, 32}, g3{8, 8, 8}, zero{0, 8};
    EXPECT_THROW(select_variant("star9d1r_f32", g2, 1), Error);
    EXPECT_THROW(select_variant("star2d1r_f32", g3, 1), Error);   // 3 extents for a 2-D family
    EXPECT_THROW(select_variant("star3d1r_f32", g2, 1), Error);
    EXPECT_THROW(select_variant("star2d1r_f32", zero, 1), Error);
    EXPECT_THROW(select_variant("star2d1r_f32", g2, -1), Error);
    EXPECT_THROW(select_variant("star2d1r_f32", g2, kMaxSteps + 1), Error);
    if (!device_available("cuda")) {
        try {
            select_variant("star2d1r_f32", g2, 4, "cuda");
            ADD_FAILURE() << "picked a CUDA variant without a CUDA device";
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
        }
    }
    // run() with a family and a grid of the wrong dims: the pick's message.
    std::vector<float> a(27), b(27);
    try {
        run("star2d1r_f32", ConstGridView(a.data(), DType::f32, {3, 3, 3}), GridView(b.data(), DType::f32, {3, 3, 3}),
            1, std::vector<double>(5, 0.2));
        ADD_FAILURE() << "ran a 2-D family on a 3-D grid";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("2-D"), std::string::npos) << e.what();
    }
}

TEST_F(Select, PreparedStencilResolvesFamilies) {
    const std::vector<std::int64_t> g{67, 45};
    const PreparedStencil p("box2d1r_f64", 5, g);
    EXPECT_EQ(&p.variant(), select_variant("box2d1r_f64", g, 5).variant);
    EXPECT_THROW(PreparedStencil("box2d1r_f64", 5), Error);  // without a grid a family cannot be resolved
}

TEST_F(Select, TuneWritesARecordThePickFollows) {
    TuneOptions o;
    o.families = {"star2d1r_f32"};
    o.grids = {{70, 40}};
    o.budget_seconds = 60;
    o.repetitions = 1;
    const TuningRecord r = tune(o);
    EXPECT_EQ(r.key, current_tuning_key());
    ASSERT_EQ(r.entries.size(), 1u);
    const TuningEntry &e = r.entries[0];
    EXPECT_EQ(e.family, "star2d1r_f32");
    ASSERT_GE(e.measured.size(), 3u);
    for (std::size_t i = 0; i < e.measured.size(); ++i) {
        const VariantInfo *v = find_variant(e.measured[i].variant);
        ASSERT_NE(v, nullptr) << e.measured[i].variant;
        EXPECT_EQ(v->shape + "_" + to_string(v->dtype), "star2d1r_f32");
        EXPECT_GT(e.measured[i].cell_steps_per_s, 0);
        if (i) EXPECT_GE(e.measured[i - 1].cell_steps_per_s, e.measured[i].cell_steps_per_s);
    }
    save_tuning_record(r, record);
    const VariantInfo &fastest = require_variant(e.measured[0].variant);
    int steps = 1;  // a multiple of every measured depth (the tuning build has 6 and 12): the fastest pass rate wins
    for (const Measurement &m : e.measured) steps = std::lcm(steps, require_variant(m.variant).depth);
    const std::vector<std::int64_t> g{70, 40};
    const Selection s = select_variant("star2d1r_f32", g, steps);
    EXPECT_TRUE(s.from_record) << s.record_message;
    EXPECT_EQ(s.variant, &fastest);
    check_family_run<float>("star2d1r_f32", g, steps);
    TuneOptions bad = o;
    bad.families = {"nope_f32"};
    EXPECT_THROW(tune(bad), Error);
    bad = o;
    bad.budget_seconds = 0;
    EXPECT_THROW(tune(bad), Error);
}

}  // namespace
