// Empirical tuning: `stencilforge tune` (tune() below) times the candidates
// of each family on this machine, the catalog's variants and, in the tuning
// build, the extra points of the catalog's tuning spaces (other tiles, other
// fused depths), and writes the result as a tuning record the auto pick
// (select.h) reads. A record is keyed by CPU, ISA, thread count and library
// version; one for another key is ignored, and the pick says why.
#pragma once

#include "stencilforge/cpu.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace stencilforge {

struct TuningKey {
    std::string cpu;      // cpu_identity()
    std::string isa;      // active ISA: avx2 or avx512
    int threads = 0;
    std::string library;  // library_version()
    bool operator==(const TuningKey &) const = default;
};

std::string library_version();
TuningKey current_tuning_key();

struct Measurement {
    std::string variant;
    double cell_steps_per_s;  // median over the repetitions; whole passes only (steps a multiple of its depth)
};

struct TuningEntry {
    std::string family;
    std::vector<std::int64_t> grid;
    std::vector<Measurement> measured;  // fastest first
};

// A convolution layer class the record times every layer algorithm on
// (batch 1, the fastest first): conv2d()/PreparedConv2d's "auto" reads it.
struct ConvMeasurement {
    std::string algorithm;  // conv_direct, conv_im2col_gemm, conv_winograd_f2x2, ...
    double seconds;         // median per call
};

struct ConvTuningEntry {
    int kernel = 0, stride = 1, c_in = 0, c_out = 0, height = 0, width = 0;
    std::vector<ConvMeasurement> measured;  // fastest first
};

// A layer `tune` times: the ResNet-50 convolutions by default (the benchmark's set).
struct ConvTuningCase {
    std::string name;  // e.g. res2_3x3
    int height, width, c_in, c_out, kernel, stride, pad;
};
const std::vector<ConvTuningCase> &tuning_conv_layers();

// The model's efficiency fitted to the measurements of one implementation
// (a catalog schedule) in one dims: the geometric mean over its variants and grids.
struct ModelFit {
    std::string schedule;
    int dims;
    bool in_cache;  // grids inside the LLC (the first of catalog.json's pair) or beyond it
    double efficiency;
    int points;
};

struct TuningRecord {
    TuningKey key;
    std::string created;     // UTC, ISO 8601
    double seconds = 0;      // how long tuning took
    double dram_copy_bytes_per_s = 0, llc_copy_bytes_per_s = 0, fma_f32_flops = 0, fma_f64_flops = 0;
    double dram_streaming_copy_bytes_per_s = 0;  // 0: not known (a record from before it was kept): not written
    std::vector<TuningEntry> entries;
    std::vector<ModelFit> model_fit;  // not read by the pick: how to calibrate catalog.json's model for this machine
    std::vector<ConvTuningEntry> conv_entries;
};

// Where records live: STENCILFORGE_TUNING_RECORD when set, else
// $XDG_CACHE_HOME/stencilforge/tuning.json, else ~/.cache/stencilforge/tuning.json.
std::string tuning_record_path();

// The record for this machine's key in the file at `path` (several keys may
// share a file). nullopt when the file is absent or holds no record for this
// key: `why` then says which (the key that differs). A file that is not a
// tuning record throws Error naming the file and the problem.
std::optional<TuningRecord> load_tuning_record(const std::string &path, std::string *why = nullptr);

// Writes `record` into the file at `path`, replacing the record of the same
// key and keeping the others; the file is replaced whole (a temporary file
// renamed), so a failure leaves it as it was. Throws Error naming the path.
void save_tuning_record(const TuningRecord &record, const std::string &path);
// Makes `path` ready for save_tuning_record(): creates the user cache
// directory when `path` is the default record, and checks that `path` can
// be written (an Error naming it now, not after a long measurement).
void claim_tuning_record(const std::string &path);

struct TuneOptions {
    std::vector<std::string> families;                // empty: those with tuning candidates, else every family
    std::vector<std::vector<std::int64_t>> grids;     // per family, those of its dims; none: tuning_grids(dims)
    double budget_seconds = 600;                      // measuring stops when spent; what was measured is kept
    int repetitions = 3;
    double prune_below = 0.25;                        // skip candidates the model expects below this x its best
    std::function<void(const std::string &)> log;    // one line per step, when set
    std::function<bool()> keep_going;                 // asked before each candidate; false: throw Cancelled
    bool conv = true;                                 // time the layer algorithms on conv_layers too
    std::vector<ConvTuningCase> conv_layers;          // empty: tuning_conv_layers()
};

// The record's fastest layer algorithm for a layer of this class, among those
// with the catalog's default accuracy contract (auto never loosens it: F(4x4)
// Winograd is asked for by name); "" without a record entry of the same K and
// stride. The nearest entry in channels and, when `height` > 0, image size.
std::string tuned_conv_algorithm(int kernel, int stride, int c_in, int c_out, int height, int width,
                                 std::string *why = nullptr);

// The default grids: one inside the last-level cache, one far beyond it (the
// benchmark's "small" and "large").
std::vector<std::vector<std::int64_t>> tuning_grids(int dims);

// Measures and returns the record (does not save it). Every candidate is
// checked against the reference on a small ragged grid before it is timed; a
// wrong one is left out, and the log says so.
TuningRecord tune(const TuneOptions &options);

}  // namespace stencilforge
