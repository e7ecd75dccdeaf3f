// Tuning records and tune(): the key, the file (JSON through nlohmann-json,
// one record per key), and the measuring loop over each family's candidates.
#include "stencilforge/tuning.h"
#include "stencilforge/conv.h"
#include "stencilforge/machine.h"
#include "stencilforge/npy.h"
#include "stencilforge/roofline.h"
#include "stencilforge/run.h"
#include "stencilforge/select.h"
#include "tuning_cache.h"

#include "variant_check.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <cmath>
#include <random>
#include <sstream>

#ifndef SF_VERSION
#define SF_VERSION "unknown"
#endif

namespace stencilforge {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char *kFormat = "stencilforge-tuning-1";

std::string default_record_path() {
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/stencilforge/tuning.json";
    if (const char *home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/stencilforge/tuning.json";
    return ".stencilforge-tuning.json";
}

json key_json(const TuningKey &k) {
    return {{"cpu", k.cpu}, {"isa", k.isa}, {"threads", k.threads}, {"library", k.library}};
}

std::string key_text(const TuningKey &k) {
    return k.cpu + ", " + k.isa + ", " + std::to_string(k.threads) + " threads, library " + k.library;
}

[[noreturn]] void malformed(const std::string &path, const std::string &what) {
    throw Error("tuning record '" + path + "' is malformed: " + what +
                " (delete it or run `stencilforge tune` to write a new one)");
}

TuningRecord record_from(const json &j, const std::string &path) {
    try {
        TuningRecord r;
        const json &k = j.at("key");
        r.key = {k.at("cpu").get<std::string>(), k.at("isa").get<std::string>(), k.at("threads").get<int>(),
                 k.at("library").get<std::string>()};
        r.created = j.at("created").get<std::string>();
        r.seconds = j.at("seconds").get<double>();
        const json &roofs = j.at("roofs");
        r.dram_copy_bytes_per_s = roofs.at("dram_copy_bytes_per_s").get<double>();
        r.llc_copy_bytes_per_s = roofs.at("llc_copy_bytes_per_s").get<double>();
        r.dram_streaming_copy_bytes_per_s = roofs.value("dram_streaming_copy_bytes_per_s", 0.0);
        if (roofs.contains("dram_streaming_copy_bytes_per_s") &&
            (!(r.dram_streaming_copy_bytes_per_s > 0) || !std::isfinite(r.dram_streaming_copy_bytes_per_s))) {
            malformed(path, "the streaming copy rate is not a positive rate");
        }
        r.fma_f32_flops = roofs.at("fma_f32_flops").get<double>();
        r.fma_f64_flops = roofs.at("fma_f64_flops").get<double>();
        for (const json &f : j.value("model_fit", json::array())) {
            r.model_fit.push_back({f.at("schedule").get<std::string>(), f.at("dims").get<int>(),
                                   f.at("in_cache").get<bool>(), f.at("efficiency").get<double>(),
                                   f.at("points").get<int>()});
        }
        for (const json &c : j.value("conv_entries", json::array())) {
            ConvTuningEntry e{c.at("kernel").get<int>(), c.at("stride").get<int>(), c.at("c_in").get<int>(),
                              c.at("c_out").get<int>(), c.at("height").get<int>(), c.at("width").get<int>(), {}};
            if (e.kernel < 1 || e.stride < 1 || e.c_in < 1 || e.c_out < 1 || e.height < 1 || e.width < 1) {
                malformed(path, "a convolution entry has an extent below 1");
            }
            for (const json &m : c.at("measured")) {
                const double s = m.at("seconds").get<double>();
                if (!(s > 0) || !std::isfinite(s)) malformed(path, "a convolution time is not positive");
                e.measured.push_back({m.at("algorithm").get<std::string>(), s});
            }
            r.conv_entries.push_back(std::move(e));
        }
        for (const json &e : j.at("entries")) {
            TuningEntry entry{e.at("family").get<std::string>(), e.at("grid").get<std::vector<std::int64_t>>(), {}};
            for (const json &m : e.at("measured")) {
                const double rate = m.at("cell_steps_per_s").get<double>();
                if (!(rate > 0) || !std::isfinite(rate)) malformed(path, "a measurement is not a positive rate");
                entry.measured.push_back({m.at("variant").get<std::string>(), rate});
            }
            for (auto x : entry.grid) {
                if (x < 1) malformed(path, "a grid extent is below 1");
            }
            r.entries.push_back(std::move(entry));
        }
        return r;
    } catch (const json::exception &e) {
        malformed(path, e.what());
    }
}

json record_json(const TuningRecord &r) {
    json entries = json::array();
    for (const TuningEntry &e : r.entries) {
        json measured = json::array();
        for (const Measurement &m : e.measured) measured.push_back({{"variant", m.variant}, {"cell_steps_per_s", m.cell_steps_per_s}});
        entries.push_back({{"family", e.family}, {"grid", e.grid}, {"measured", measured}});
    }
    json conv = json::array();
    for (const ConvTuningEntry &c : r.conv_entries) {
        json measured = json::array();
        for (const ConvMeasurement &m : c.measured) measured.push_back({{"algorithm", m.algorithm}, {"seconds", m.seconds}});
        conv.push_back({{"kernel", c.kernel}, {"stride", c.stride}, {"c_in", c.c_in}, {"c_out", c.c_out},
                        {"height", c.height}, {"width", c.width}, {"measured", measured}});
    }
    json fit = json::array();
    for (const ModelFit &f : r.model_fit) {
        fit.push_back({{"schedule", f.schedule}, {"dims", f.dims}, {"in_cache", f.in_cache},
                       {"efficiency", f.efficiency}, {"points", f.points}});
    }
    json roofs{{"dram_copy_bytes_per_s", r.dram_copy_bytes_per_s}, {"llc_copy_bytes_per_s", r.llc_copy_bytes_per_s},
               {"fma_f32_flops", r.fma_f32_flops}, {"fma_f64_flops", r.fma_f64_flops}};
    if (r.dram_streaming_copy_bytes_per_s > 0) roofs["dram_streaming_copy_bytes_per_s"] = r.dram_streaming_copy_bytes_per_s;
    return {{"key", key_json(r.key)},
            {"model_fit", fit},
            {"conv_entries", conv},
            {"created", r.created},
            {"seconds", r.seconds},
            {"roofs", roofs},
            {"entries", entries}};
}

// The whole file: {"format": ..., "records": [...]}; absent: nullopt.
std::optional<json> read_file(const std::string &path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    if (!fs::is_regular_file(path, ec)) throw Error("tuning record '" + path + "' is not a regular file");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("tuning record '" + path + "' cannot be read");
    std::stringstream text;
    text << f.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded()) malformed(path, "not valid JSON");
    if (!j.is_object() || j.value("format", "") != kFormat || !j.contains("records") || !j["records"].is_array()) {
        malformed(path, std::string("not a {\"format\": \"") + kFormat + "\", \"records\": [...]} file");
    }
    return j;
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

}  // namespace

std::string library_version() { return SF_VERSION; }

TuningKey current_tuning_key() {
    return {cpu_identity(), to_string(active_cpu_isa()), num_threads(), library_version()};
}

std::string tuning_record_path() {
    const char *env = std::getenv("STENCILFORGE_TUNING_RECORD");
    return env && *env ? std::string(env) : default_record_path();
}

std::optional<TuningRecord> load_tuning_record(const std::string &path, std::string *why) {
    const auto file = read_file(path);
    const TuningKey want = current_tuning_key();
    if (!file) {
        if (why) *why = "no tuning record at " + path + " (`stencilforge tune` writes one)";
        return std::nullopt;
    }
    std::string others;
    for (const json &j : (*file)["records"]) {
        TuningRecord r = record_from(j, path);
        if (r.key == want) return r;
        others += (others.empty() ? "" : "; ") + key_text(r.key);
    }
    if (why) {
        *why = "the tuning record " + path + " is for another machine or build (" +
               (others.empty() ? std::string("it holds no records") : others) + "), not this one (" +
               key_text(want) + "): ignored";
    }
    return std::nullopt;
}

void claim_tuning_record(const std::string &path) {
    if (path == default_record_path() && !getenv("STENCILFORGE_TUNING_RECORD")) {
        std::error_code ec;
        fs::create_directories(fs::path(path).parent_path(), ec);  // the cache directory may not exist yet
    }
    npy::PendingFile probe(path);  // removed again on destruction; the destination is untouched
}

void save_tuning_record(const TuningRecord &record, const std::string &path) {
    claim_tuning_record(path);
    json file = {{"format", kFormat}, {"records", json::array()}};
    npy::PendingFile destination(path);  // claims the path (or fails naming it) before anything is read
    if (auto old = read_file(path)) {
        for (const json &j : (*old)["records"]) {
            if (record_from(j, path).key != record.key) file["records"].push_back(j);
        }
    }
    file["records"].push_back(record_json(record));
    destination.commit_text(file.dump(1) + "\n");
}

std::vector<std::vector<std::int64_t>> tuning_grids(int dims) {
    // small: 4 MiB per f32 grid, in- and output together inside a 32 MiB LLC;
    // large: 64 Mi cells, 256 MiB (f32) or 512 MiB (f64) per grid.
    if (dims == 2) return {{1024, 1024}, {8192, 8192}};
    return {{128, 128, 64}, {512, 512, 256}};
}

const std::vector<ConvTuningCase> &tuning_conv_layers() {
    // ResNet-50's distinct convolutions at 224 x 224 input: the stem, the
    // bottleneck 3x3 of each stage, the 1x1 reduce/expand of each stage and a
    // stride-2 projection (the shortcut of the first block of stage 3).
    static const std::vector<ConvTuningCase> layers = {
        {"conv1_7x7_s2", 224, 224, 3, 64, 7, 2, 3},
        {"res2_3x3", 56, 56, 64, 64, 3, 1, 1},
        {"res3_3x3", 28, 28, 128, 128, 3, 1, 1},
        {"res4_3x3", 14, 14, 256, 256, 3, 1, 1},
        {"res5_3x3", 7, 7, 512, 512, 3, 1, 1},
        {"res2_1x1_reduce", 56, 56, 256, 64, 1, 1, 0},
        {"res2_1x1_expand", 56, 56, 64, 256, 1, 1, 0},
        {"res3_1x1_reduce", 28, 28, 512, 128, 1, 1, 0},
        {"res3_1x1_expand", 28, 28, 128, 512, 1, 1, 0},
        {"res4_1x1_reduce", 14, 14, 1024, 256, 1, 1, 0},
        {"res4_1x1_expand", 14, 14, 256, 1024, 1, 1, 0},
        {"res5_1x1_reduce", 7, 7, 2048, 512, 1, 1, 0},
        {"res5_1x1_expand", 7, 7, 512, 2048, 1, 1, 0},
        {"res3_proj_1x1_s2", 56, 56, 256, 512, 1, 2, 0},
    };
    return layers;
}

namespace detail {
std::shared_ptr<const CachedRecord> cached_tuning_record() {
    static std::mutex mutex;
    static std::shared_ptr<const CachedRecord> cache;
    std::lock_guard lock(mutex);
    const std::string path = tuning_record_path();
    std::error_code ec;
    const auto mtime = fs::last_write_time(path, ec);
    const auto size = ec ? 0 : fs::file_size(path, ec);
    const TuningKey key = current_tuning_key();
    if (!cache || path != cache->path || mtime != cache->mtime || size != cache->size || !(key == cache->key)) {
        auto fresh = std::make_shared<CachedRecord>();
        fresh->path = path;
        fresh->mtime = mtime;
        fresh->size = size;
        fresh->key = key;
        fresh->record = load_tuning_record(path, &fresh->message);
        cache = std::move(fresh);
    }
    return cache;
}
}  // namespace detail

std::string tuned_conv_algorithm(int kernel, int stride, int c_in, int c_out, int height, int width, std::string *why) {
    const auto cached = detail::cached_tuning_record();  // a malformed record throws, naming the file
    if (!cached->record) {
        if (why) *why = cached->message;
        return "";
    }
    const TuningRecord *r = &*cached->record;
    const ConvTuningEntry *best = nullptr;
    double best_distance = 0;
    for (const ConvTuningEntry &e : r->conv_entries) {
        if (e.kernel != kernel || e.stride != stride || e.measured.empty()) continue;
        double d = std::abs(std::log(double(e.c_in) / c_in)) + std::abs(std::log(double(e.c_out) / c_out));
        if (height > 0 && width > 0) d += std::abs(std::log(double(e.height) * e.width / (double(height) * width)));
        if (!best || d < best_distance) best = &e, best_distance = d;
    }
    if (!best) {
        if (why) *why = "the tuning record has no " + std::to_string(kernel) + "x" + std::to_string(kernel) + " stride " +
                        std::to_string(stride) + " layer";
        return "";
    }
    // The direct algorithm's contract is the default one; auto never picks a looser one.
    double contract = 0;
    for (const auto &v : conv_catalog()) {
        if (v.algorithm == "conv_direct" && v.device == "host") contract = v.tolerance;
    }
    for (const ConvMeasurement &m : best->measured) {
        for (const auto &v : conv_catalog()) {
            if (v.algorithm == m.algorithm && v.device == "host" && v.stride == stride && v.tolerance <= contract) {
                if (why) {
                    *why = "tuning record: fastest on " + std::to_string(best->height) + "x" + std::to_string(best->width) +
                           "x" + std::to_string(best->c_in) + " -> " + std::to_string(best->c_out);
                }
                return m.algorithm;
            }
        }
    }
    return "";
}

namespace {

// Median seconds per call of `call`: one untimed call first (page faults, the
// workspace, thread pools), then `reps` samples of back-to-back calls, each
// lasting about 20 ms (one in-cache call can take a fraction of a
// millisecond, where timer and thread wake-up noise would dominate).
template <typename Call>
double median_seconds_per_call(Call call, int reps) {
    const auto timed = [&](int calls) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int k = 0; k < calls; ++k) call();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const double first = timed(1);
    const int calls = std::clamp(static_cast<int>(0.02 / std::max(first, 1e-6)), 1, 1000);
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) t.push_back(timed(calls) / calls);
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2];
}

// Seconds per call of `algorithm` on one layer (batch 1), the median of `reps`
// samples (median_seconds_per_call); 0 if the algorithm does not support the layer.
double time_layer(const std::string &algorithm, const ConvTuningCase &c, int reps) {
    const LayerParams layer{c.kernel, c.stride, c.pad, true};
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> w(std::size_t(c.kernel) * c.kernel * c.c_in * c.c_out), b(c.c_out);
    for (auto &x : w) x = u(rng) * 0.1f;
    for (auto &x : b) x = u(rng);
    const int ho = conv_output_extent(c.height, c.kernel, c.stride, c.pad);
    const int wo = conv_output_extent(c.width, c.kernel, c.stride, c.pad);
    std::vector<float> in(std::size_t(c.height) * c.width * c.c_in), out(std::size_t(ho) * wo * c.c_out);
    for (auto &x : in) x = u(rng);
    std::optional<PreparedConv2d> p;
    try {
        p.emplace(c.c_in, c.c_out, w, b, layer, LayerOptions{algorithm, "tiled"});
    } catch (const Error &) {
        return 0;  // e.g. Winograd at K != 3
    }
    const ConstTensorView iv(in.data(), 1, c.height, c.width, c.c_in);
    const TensorView ov{out.data(), 1, ho, wo, c.c_out};
    return median_seconds_per_call([&] { p->run(iv, ov); }, reps);
}

// Whether a candidate agrees with the reference: a full pass and a
// remainder on the ragged check grid (reference/variant_check.h).
bool matches_reference(const VariantInfo &v) {
    return reference::variant_error(v, reference::check_grid(v), v.depth + 1,
                                    reference::random_weights(v.num_coefficients(), 17), 3) <= reference::contract(v);
}

// Cell-steps per second of `v` on `grid`: runs of whole passes (at least 8
// steps, a multiple of its depth, so no remainder runs), timed by
// median_seconds_per_call.
template <typename T>
double time_variant(const VariantInfo &v, const std::vector<std::int64_t> &grid, int reps) {
    std::int64_t cells = 1;
    for (auto e : grid) cells *= e;
    // One pair of grids per dtype, kept from one candidate to the next (a
    // fresh 512 MiB pair would be page-faulted per candidate).
    static std::vector<T> in, out;
    if (static_cast<std::int64_t>(in.size()) != cells) {
        in = std::vector<T>(cells);
        out = std::vector<T>(cells);
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < cells; ++i) in[i] = static_cast<T>((i * 7919) % 1000) * T(1e-3);
    }
    const auto c = reference::random_weights(v.num_coefficients(), 17);
    const int steps = v.depth * ((8 + v.depth - 1) / v.depth);
    const PreparedStencil p(v.name, steps);
    const ConstGridView iv(in.data(), v.dtype, grid);
    const GridView ov(out.data(), v.dtype, grid);
    return static_cast<double>(cells) * steps /
           median_seconds_per_call([&] { p.run(iv, ov, c, thread_workspace()); }, reps);
}

}  // namespace

TuningRecord tune(const TuneOptions &o) {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const auto log = [&](const std::string &s) {
        if (o.log) o.log(s);
    };
    if (!(o.budget_seconds > 0)) throw Error("tune: the time budget must be positive");
    if (o.repetitions < 1 || o.repetitions > 1000) throw Error("tune: repetitions must be in [1, 1000]");
    std::vector<std::string> fams = o.families;
    if (fams.empty()) {
        for (const auto &v : catalog()) {
            const std::string f = family_of(v);
            if (v.tuning_candidate && std::find(fams.begin(), fams.end(), f) == fams.end()) fams.push_back(f);
        }
        if (fams.empty()) fams = families();
    }
    for (const auto &f : fams) {
        if (!is_family(f)) throw Error("tune: unknown kernel family '" + f + "' (<shape>_<dtype>, e.g. star2d1r_f32)");
    }
    const MachineProfile &m = machine_profile();
    TuningRecord record;
    record.key = current_tuning_key();
    record.created = utc_now();
    record.dram_copy_bytes_per_s = m.dram_copy_bytes_per_s;
    record.llc_copy_bytes_per_s = m.llc_copy_bytes_per_s;
    record.dram_streaming_copy_bytes_per_s = dram_streaming_copy_bytes_per_s();
    record.fma_f32_flops = m.fma_f32_flops;
    record.fma_f64_flops = m.fma_f64_flops;
    std::vector<std::string> checked, wrong;
    bool out_of_time = false;
    for (const auto &f : fams) {
        int dims = 0;
        for (const auto &v : catalog()) {
            if (family_of(v) == f) dims = v.dims;
        }
        std::vector<std::vector<std::int64_t>> grids;
        for (const auto &g : o.grids) {
            if (static_cast<int>(g.size()) == dims) grids.push_back(g);
        }
        if (grids.empty()) grids = tuning_grids(dims);
        for (const auto &grid : grids) {
            if (out_of_time) break;
            // Candidates: what the pick could choose for a run of the deepest depth's steps.
            std::vector<std::pair<double, const VariantInfo *>> ranked;
            for (const auto &v : catalog()) {
                if (family_of(v) != f || v.device != "host" || v.schedule == "naive") continue;
                bool fits = true;
                for (std::size_t d = 0; d < v.planned_grid.size(); ++d) fits &= grid[d] >= v.planned_grid[d];
                if (!fits) continue;
                ranked.push_back({model_cell_steps_per_s(v, grid, v.depth), &v});
            }
            std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
            TuningEntry entry{f, grid, {}};
            std::string g;
            for (auto x : grid) g += (g.empty() ? "" : "x") + std::to_string(x);
            int pruned = 0;
            for (const auto &[predicted, v] : ranked) {
                if (predicted < o.prune_below * ranked.front().first) {
                    ++pruned;
                    continue;
                }
                if (o.keep_going && !o.keep_going()) {
                    throw Cancelled("tune: stopped after " + std::to_string(static_cast<int>(elapsed())) + " s");
                }
                if (elapsed() > o.budget_seconds) {
                    out_of_time = true;
                    log("budget of " + std::to_string(static_cast<int>(o.budget_seconds)) + " s spent: stopping");
                    break;
                }
                if (std::find(checked.begin(), checked.end(), v->name) == checked.end()) {
                    const bool ok = matches_reference(*v);
                    checked.push_back(v->name);
                    if (!ok) wrong.push_back(v->name);
                }
                if (std::find(wrong.begin(), wrong.end(), v->name) != wrong.end()) {
                    log(v->name + ": disagrees with the reference; left out");
                    continue;
                }
                const double rate = v->dtype == DType::f32 ? time_variant<float>(*v, grid, o.repetitions)
                                                           : time_variant<double>(*v, grid, o.repetitions);
                entry.measured.push_back({v->name, rate});
                char line[200];
                std::snprintf(line, sizeof line, "%-40s %-13s %8.2f G cell-steps/s (model %.2f)", v->name.c_str(),
                              g.c_str(), rate * 1e-9, predicted * 1e-9);
                log(line);
            }
            if (pruned) log(f + " " + g + ": " + std::to_string(pruned) + " candidates the model puts below " +
                            std::to_string(static_cast<int>(o.prune_below * 100)) + "% of its best not timed");
            std::stable_sort(entry.measured.begin(), entry.measured.end(),
                             [](const Measurement &a, const Measurement &b) { return a.cell_steps_per_s > b.cell_steps_per_s; });
            if (!entry.measured.empty()) record.entries.push_back(std::move(entry));
        }
    }
    // The layer algorithms on each convolution case (host, the tiled schedule).
    if (o.conv && !out_of_time) {
        std::vector<std::string> algorithms;
        for (const auto &v : conv_catalog()) {
            if (v.family == "layer" && v.device == "host" && v.schedule == "tiled" &&
                std::find(algorithms.begin(), algorithms.end(), v.algorithm) == algorithms.end()) {
                algorithms.push_back(v.algorithm);
            }
        }
        for (const ConvTuningCase &c : o.conv_layers.empty() ? tuning_conv_layers() : o.conv_layers) {
            if (o.keep_going && !o.keep_going()) throw Cancelled("tune: stopped during the convolution layers");
            if (elapsed() > o.budget_seconds) {
                log("budget spent: convolution layers from " + c.name + " on not timed");
                break;
            }
            ConvTuningEntry e{c.kernel, c.stride, c.c_in, c.c_out, c.height, c.width, {}};
            for (const auto &a : algorithms) {
                if (const double s = time_layer(a, c, o.repetitions); s > 0) e.measured.push_back({a, s});
            }
            std::stable_sort(e.measured.begin(), e.measured.end(),
                             [](const ConvMeasurement &a, const ConvMeasurement &b) { return a.seconds < b.seconds; });
            if (e.measured.empty()) continue;
            char line[200];
            std::snprintf(line, sizeof line, "%-40s %-13s %8.3f ms (%s)", c.name.c_str(), e.measured[0].algorithm.c_str(),
                          e.measured[0].seconds * 1e3,
                          e.measured.size() > 1 ? ("next " + e.measured[1].algorithm).c_str() : "alone");
            log(line);
            record.conv_entries.push_back(std::move(e));
        }
    }
    // The model's efficiencies these measurements imply, per catalog schedule and dims.
    std::map<std::tuple<std::string, int, bool>, std::pair<double, int>> logs;
    for (const TuningEntry &e : record.entries) {
        for (const Measurement &m : e.measured) {
            const VariantInfo *v = find_variant(m.variant);
            if (!v || v->tuning_candidate) continue;
            if (const double eff = model_fitted_efficiency(*v, e.grid, m.cell_steps_per_s); eff > 0) {
                auto &[sum, n] = logs[{v->schedule, v->dims, model_in_cache(*v, e.grid)}];
                sum += std::log(eff);
                ++n;
            }
        }
    }
    for (const auto &[key, sn] : logs) {
        record.model_fit.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key),
                                    std::exp(sn.first / sn.second), sn.second});
    }
    record.seconds = elapsed();
    return record;
}

}  // namespace stencilforge
