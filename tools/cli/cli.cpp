// The command line's subcommands: `list` prints the catalog (one line per
// family; --all or a filter by shape, dtype, engine or what runs here for
// every kernel; `list-conv` its convolution kernels), `describe` one kernel's
// coefficient order (a family's: the pick for a grid and step count, and
// why; a convolution's: what run takes), `devices` what this machine has,
// `run` applies a kernel or a family to a .npy grid (convolutions:
// conv_run.cpp; under mpiexec: distributed_run.cpp), `bench` checks and
// times one problem (bench_command.cpp), `tune` measures the candidates here
// and writes the tuning record the picks read. .npy grids hold C-order
// arrays of shape (ny, nx) or (nz, ny, nx): x is the last numpy axis, the
// unit-stride dimension stencilforge expects.
// Every input is checked before work starts, the output is claimed (a
// temporary file in its directory) before the compute, and it replaces the
// destination only when complete: a failure or an interrupt leaves it as it was.
#include "cli.h"
#include "bench_command.h"
#include "run_input.h"

#include "stencilforge/stencilforge.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace stencilforge::cli {

namespace {

namespace fs = std::filesystem;

// `list`'s filters: empty (false) matches every kernel.
struct ListFilter {
    std::string shape, dtype, engine;
    bool runs_here = false;
    bool keeps(const VariantInfo &v) const {
        return (shape.empty() || v.shape == shape) && (dtype.empty() || to_string(v.dtype) == dtype) &&
               (engine.empty() || v.engine == engine) && (!runs_here || device_available(v.device));
    }
};

// The values a catalog field takes, for the filters' checks (one source: the catalog).
template <typename Field>
std::vector<std::string> catalog_values(Field field) {
    std::vector<std::string> values;
    for (const auto &v : catalog()) {
        std::string value = field(v);
        if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(std::move(value));
    }
    return values;
}

// The default view: one line per family (a few dozen, not hundreds), with
// how many kernels each engine has and how many run here.
void print_families(std::ostream &out) {
    char line[200];
    std::snprintf(line, sizeof line, "%-14s %4s %6s %5s %7s %6s %11s %6s %9s\n", "family", "dims", "radius", "dtype",
                  "kernels", "halide", "handwritten", "kokkos", "runs here");
    out << line;
    int families_shown = 0;
    for (const std::string &f : families()) {
        const VariantInfo *any = nullptr;
        int n = 0, halide = 0, hand = 0, kokkos = 0, here = 0;
        for (const auto &v : catalog()) {
            if (family_of(v) != f) continue;
            any = any ? any : &v;
            ++n;
            halide += v.engine == "halide";
            hand += v.engine == "handwritten";
            kokkos += v.engine == "kokkos";
            here += device_available(v.device);
        }
        std::snprintf(line, sizeof line, "%-14s %4d %6d %5s %7d %6d %11d %6d %9d\n", f.c_str(), any->dims, any->radius,
                      to_string(any->dtype).c_str(), n, halide, hand, kokkos, here);
        out << line;
        ++families_shown;
    }
    out << catalog().size() << " kernels in " << families_shown
        << " families. A family name runs the auto pick; `list --all` shows every kernel, and --shape, --dtype, "
           "--engine, --runs-here filter it (--json for scripts).\n";
}

void print_catalog(std::ostream &out, bool as_json, const ListFilter &filter) {
    if (as_json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto &v : catalog()) {
            if (!filter.keeps(v)) continue;
            j.push_back({{"name", v.name}, {"shape", v.shape}, {"pattern", to_string(v.pattern)}, {"dims", v.dims},
                         {"radius", v.radius}, {"dtype", to_string(v.dtype)}, {"schedule", v.schedule},
                         {"engine", v.engine}, {"depth", v.depth}, {"coefficients", v.num_coefficients()},
                         {"autoscheduler", v.autoscheduler}, {"device", v.device},
                         {"runs_here", device_available(v.device)}, {"description", v.description}});
        }
        out << j.dump(2) << "\n";
        return;
    }
    char line[256];
    std::snprintf(line, sizeof line, "%-33s %-9s %-5s %-17s %-12s %5s %6s  %s\n", "kernel", "shape", "dtype",
                  "schedule", "engine", "depth", "coeffs", "runs here");
    out << line;
    for (const auto &v : catalog()) {
        if (!filter.keeps(v)) continue;
        std::snprintf(line, sizeof line, "%-33s %-9s %-5s %-17s %-12s %5d %6d  %s\n", v.name.c_str(), v.shape.c_str(),
                      to_string(v.dtype).c_str(), v.schedule.c_str(), v.engine.c_str(), v.depth, v.num_coefficients(),
                      device_available(v.device) ? "yes" : ("no (needs " + v.device + ")").c_str());
        out << line;
    }
}

void print_conv_catalog(std::ostream &out, bool as_json) {
    nlohmann::json j = nlohmann::json::array();
    char line[256];
    if (!as_json) {
        std::snprintf(line, sizeof line, "%-34s %-19s %-9s %-6s %-9s %-6s %-9s  %s\n", "kernel", "algorithm", "family",
                      "sched", "boundary", "stride", "tolerance", "K");
        out << line;
    }
    for (const auto &v : conv_catalog()) {
        std::string sizes;
        for (int k : v.kernel_sizes) sizes += (sizes.empty() ? "" : ",") + std::to_string(k);
        if (sizes.empty()) sizes = "odd 1-15";
        if (as_json) {
            j.push_back({{"name", v.name}, {"algorithm", v.algorithm}, {"family", v.family}, {"schedule", v.schedule},
                         {"boundary", v.boundary}, {"stride", v.stride}, {"kernel_sizes", v.kernel_sizes},
                         {"tolerance", v.tolerance}, {"description", v.description}});
        } else {
            std::snprintf(line, sizeof line, "%-34s %-19s %-9s %-6s %-9s %-6d %-9.0e  %s\n", v.name.c_str(),
                          v.algorithm.c_str(), v.family.c_str(), v.schedule.c_str(),
                          v.boundary.empty() ? "-" : v.boundary.c_str(), v.stride, v.tolerance, sizes.c_str());
            out << line;
        }
    }
    if (as_json) out << j.dump(2) << "\n";
}

struct DescribeRequest {
    std::string kernel, grid;
    int steps = 1;
};

// A convolution kernel: what it computes and what `run` takes for it.
void describe_conv(std::ostream &out, const ConvVariantInfo &v) {
    out << v.name << ": " << v.description << "\n"
        << "  algorithm " << v.algorithm << ", schedule " << v.schedule << ", device " << v.device;
    if (!v.boundary.empty()) out << ", boundary " << v.boundary;
    if (v.family != "filter") out << ", stride " << v.stride;
    out << "; accuracy contract " << v.tolerance << " (max |error| / max |reference|)\n";
    if (v.family == "filter") {
        out << "  run: -i an (H, W) or (C, H, W) float32 image, "
            << (v.algorithm == "sepfilter" ? "--row and --col 1-D filters" : "--weights a (K, K) filter, K odd 1-15")
            << (v.boundary == "constant" ? ", --constant the outside value" : "") << "\n";
    } else {
        std::string sizes;
        for (int k : v.kernel_sizes) sizes += (sizes.empty() ? "" : ",") + std::to_string(k);
        out << "  run: -i an NHWC float32 tensor, --weights "
            << (v.family == "depthwise" ? "(3, 3, C)" : "HWIO (K, K, C_in, C_out)") << (sizes.empty() ? "" : ", K in " + sizes)
            << ", optional --bias (C_out,), --pad (default K/2), --relu\n";
    }
}

void describe(std::ostream &out, const DescribeRequest &d) {
    const std::string &name = d.kernel;
    if (const ConvVariantInfo *conv = find_conv_variant(name)) return describe_conv(out, *conv);
    if (is_family(name)) {
        const VariantInfo &any = representative(name);
        std::vector<std::int64_t> extent = d.grid.empty() ? tuning_grids(any.dims).back() : parse_grid(d.grid);
        const Selection s = select_variant(name, extent, d.steps);
        std::string g;
        for (auto x : extent) g += (g.empty() ? "" : "x") + std::to_string(x);
        out << name << ": a family; for " << g << " and " << d.steps << " steps it runs " << s.variant->name << "\n"
            << "  why: " << s.reason << "\n";
        if (!s.record_message.empty()) out << "  record: " << s.record_message << "\n";
    }
    const VariantInfo &v = representative(name);
    out << v.name << ": " << v.description << "\n"
        << "coefficient order (" << v.num_coefficients() << " weights, one per offset):\n";
    int j = 0;
    for (const auto &o : v.offsets()) {
        out << "  c[" << j++ << "] offset dx=" << o.dx << " dy=" << o.dy;
        if (v.dims == 3) out << " dz=" << o.dz;
        out << "\n";
    }
}

// Progress on a terminal for runs longer than a second; nothing otherwise.
class ProgressLine {
public:
    explicit ProgressLine(std::ostream &err) : err_(err), shown_(::isatty(STDERR_FILENO) == 1) {}
    ~ProgressLine() {
        if (drawn_) err_ << "\n";
    }
    bool operator()(std::int64_t done, std::int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (shown_ && now - start_ > std::chrono::seconds(1) && now - last_ > std::chrono::milliseconds(250)) {
            err_ << "\r[stencilforge] " << done << " / " << total << " steps (Ctrl-C stops; the output is then not written)"
                 << std::flush;
            drawn_ = true;
            last_ = now;
        }
        return !interrupt_flag().load();
    }

private:
    std::ostream &err_;
    bool shown_, drawn_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

void run_file(const RunRequest &r, std::ostream &out, std::ostream &err) {
    if (const ConvVariantInfo *conv = find_conv_variant(r.kernel)) return run_conv_file(*conv, r, out);
    if (launched_by_mpiexec()) return run_file_distributed(r, out, err);
    const RunInput checked = check_run_request(r);
    const VariantInfo &v = *checked.representative;
    const std::vector<double> &coeffs = checked.coefficients;
    const npy::Array input = npy::read(r.in);
    check_input_file(v, input.header, r.in);
    npy::PendingFile destination(r.out);  // fails here, before the compute, if it cannot be written
    if (r.threads > 0) set_num_threads(r.threads);
    auto result = std::make_unique_for_overwrite<std::byte[]>(input.header.payload_bytes);
    const ConstGridView in_view = input.view();
    GridView out_view(result.get(), v.dtype, input.extents());
    ProgressLine progress(err);
    const auto extent = input.extents();
    const VariantInfo &ran = resolve_kernel(r.kernel, extent, r.steps);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        PreparedStencil(ran.name, r.steps).run(in_view, out_view, coeffs, thread_workspace(), std::ref(progress));
    } catch (const Cancelled &e) {
        throw Cancelled(std::string(e.what()) + " (interrupted); '" + r.out + "' was not written");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    destination.commit(v.dtype, input.header.shape, result.get());
    if (r.json) {
        out << nlohmann::json{{"kernel", r.kernel}, {"variant", ran.name}, {"steps", r.steps}, {"seconds", seconds},
                              {"output", r.out}}.dump() << "\n";
    } else if (r.verbose) {
        char line[160];
        std::snprintf(line, sizeof line, "ran %s: %d steps in %.3f s", ran.name.c_str(), r.steps, seconds);
        out << line << (ran.name == r.kernel ? "" : " (the pick for " + r.kernel + ")") << "\n";
    }
}

struct TuneRequest {
    std::vector<std::string> families, grids;
    std::string record;
    double budget = 600;
    int reps = 3;
    bool conv = false, no_conv = false;
};

void tune_here(const TuneRequest &t, std::ostream &out) {
    TuneOptions o;
    o.families = t.families;
    for (const auto &g : t.grids) o.grids.push_back(parse_grid(g));
    o.budget_seconds = t.budget;
    // The convolution layers too unless asked for stencil families only.
    o.conv = t.conv || (t.families.empty() && !t.no_conv);
    o.repetitions = t.reps;
    o.log = [&](const std::string &line) { out << line << std::endl; };
    o.keep_going = [] { return !interrupt_flag().load(); };
    const std::string path = t.record.empty() ? tuning_record_path() : t.record;
    claim_tuning_record(path);  // an unwritable destination fails now, not after the measuring
    TuningRecord record;
    try {
        record = tune(o);
    } catch (const Cancelled &e) {
        throw Cancelled(std::string(e.what()) + " (interrupted); the record '" + path + "' was not written");
    }
    save_tuning_record(record, path);
    std::size_t measured = 0;
    for (const auto &e : record.entries) measured += e.measured.size();
    char line[200];
    std::snprintf(line, sizeof line, "tuned %zu family x grid entries (%zu measurements), %zu convolution layers in "
                  "%.1f s; record: ", record.entries.size(), measured, record.conv_entries.size(), record.seconds);
    out << line << path << "\n";
    out << "model efficiency these measurements imply (catalog.json model.efficiency." << record.key.isa
        << ", docs/selection.md):\n";
    for (const ModelFit &f : record.model_fit) {
        std::snprintf(line, sizeof line, "  %-16s %dD %-10s %.3f (%d points)\n", f.schedule.c_str(), f.dims,
                      f.in_cache ? "in LLC" : "beyond LLC", f.efficiency, f.points);
        out << line;
    }
}

}  // namespace

std::atomic<bool> &interrupt_flag() {
    static std::atomic<bool> flag{false};
    return flag;
}

int main(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
    CLI::App app{"stencilforge: Halide-generated stencil kernels"};
    app.require_subcommand(1);

    app.set_version_flag("--version", "stencilforge " + library_version());
    auto *list = app.add_subcommand("list", "List the kernels in the catalog (all, or those the filters keep)");
    bool as_json = false, list_all = false;
    list->add_flag("--json", as_json, "Print the catalog as JSON (every kernel the filters keep)");
    list->add_flag("--all", list_all, "Every kernel, one per line (the default view is one line per family)");
    ListFilter filter;
    list->add_option("--shape", filter.shape, "Only this shape (star2d1r, ...)")
        ->check(CLI::IsMember(catalog_values([](const VariantInfo &v) { return v.shape; })));
    list->add_option("--dtype", filter.dtype, "Only this dtype (f32, f64)")
        ->check(CLI::IsMember(catalog_values([](const VariantInfo &v) { return to_string(v.dtype); })));
    list->add_option("--engine", filter.engine, "Only this engine (halide, handwritten, kokkos)")
        ->check(CLI::IsMember(catalog_values([](const VariantInfo &v) { return v.engine; })));
    list->add_flag("--runs-here", filter.runs_here, "Only kernels whose device this machine has");

    auto *list_conv = app.add_subcommand("list-conv", "List every convolution kernel (filters, layers) in the catalog");
    list_conv->add_flag("--json", as_json, "Print them as JSON");

    auto *desc = app.add_subcommand("describe", "Show a kernel's coefficient order; for a family, what it picks and why");
    DescribeRequest d;
    desc->add_option("kernel", d.kernel, "Kernel or family name (<shape>_<dtype>)")->required();
    desc->add_option("--grid", d.grid, "A family's grid, x first (default: the large tuning grid)");
    desc->add_option("--steps", d.steps, "A family's step count")->check(CLI::Range(0, kMaxSteps));

    auto *devices = app.add_subcommand("devices", "Which compute devices (host, OpenCL, CUDA) this machine has");
    bool devices_json = false;
    devices->add_flag("--json", devices_json, "Print them as JSON");

    auto *runc = app.add_subcommand("run", "Apply a kernel to a .npy grid and write the result as .npy");
    RunRequest r;
    runc->add_option("-k,--kernel", r.kernel,
                     "Kernel name (`list`, `list-conv`), or a stencil family (star2d1r_f32): the pick")
        ->required();
    runc->add_option("-i,--in", r.in, "Input .npy: a grid (ny,nx)/(nz,ny,nx); an image (H,W)/(C,H,W); an NHWC tensor")
        ->required();
    runc->add_option("-o,--out", r.out, "Output .npy (replaced only when the run succeeds)")->required();
    runc->add_option("-s,--steps", r.steps, "Number of steps")->check(CLI::Range(0, kMaxSteps));
    runc->add_option("-c,--coeffs", r.coeffs, "Stencils: weights, one per offset, comma separated (see `describe`)");
    runc->add_option("--weights", r.weights, "Convolutions: the filter .npy ((K, K); layers HWIO; depthwise (3, 3, C))");
    runc->add_option("--bias", r.bias, "Layers: a (C_out,) .npy");
    runc->add_option("--row", r.row, "sepfilter: the row filter .npy");
    runc->add_option("--col", r.col, "sepfilter: the column filter .npy");
    runc->add_option("--pad", r.pad, "Layers: zero padding on every side (default K/2)")->check(CLI::Range(0, 1024));
    runc->add_flag("--relu", r.relu, "Layers: fuse a ReLU");
    runc->add_option("--constant", r.constant, "Filters with the constant boundary: the outside value (default 0)");
    runc->add_option("-t,--threads", r.threads, "Threads (default: all cores)")->check(CLI::Range(0, 4096));
    runc->add_flag("--in-place", r.in_place, "Allow --out to name the input file (replaced when the run succeeds)");
    runc->add_flag("-v,--verbose", r.verbose, "Print the variant that ran and the time");
    runc->add_flag("--json", r.json, "Print the variant that ran and the time as JSON");
    // Distributed runs (mpiexec -n N stencilforge run ...); ignored by one process.
    runc->add_option("--procs", r.procs, "Under mpiexec: ranks per dimension, x first (2x1); default MPI's choice");
    runc->add_option("--rank-kernels", r.rank_kernels, "Under mpiexec: one kernel per rank (same shape and dtype)")
        ->delimiter(',');
    runc->add_flag("--balance", r.balance, "Under mpiexec: size the blocks by each rank's measured rate");
    runc->add_option("--period", r.period, "Under mpiexec: steps between halo exchanges (default: the fused depth)")
        ->check(CLI::Range(0, kMaxSteps));

    auto *benchc = app.add_subcommand("bench", "Check and time kernels on one problem (benchdnn style): correctness "
                                                "against the reference, throughput and the fraction of the roof");
    BenchRequest b;
    benchc->add_option("-k,--kernel", b.kernels, "Kernels or families (repeat, or comma separated)")
        ->required()
        ->delimiter(',');
    benchc->add_option("--grid", b.grid, "Grid, x first (4096x4096, 256x256x128)");
    benchc->add_option("-s,--steps", b.steps, "Steps per run")->check(CLI::Range(0, kMaxSteps));
    benchc->add_option("-t,--threads", b.threads, "Threads (default: all cores)")->check(CLI::Range(0, 4096));
    benchc->add_option("--reps", b.reps, "Timed repetitions after one warm-up (the median counts)")
        ->check(CLI::Range(1, 10000));
    benchc->add_option("--mode", b.mode, "corr (against the reference), perf (timed), or both")
        ->check(CLI::IsMember({"corr", "perf", "both"}));
    benchc->add_flag("--json", b.json, "Print the results as JSON");

    auto *tunec = app.add_subcommand("tune", "Measure the candidates here and write the tuning record the picks read");
    TuneRequest t;
    tunec->add_option("-f,--family", t.families, "Families to tune (default: those with tuning candidates, else all)");
    tunec->add_option("--grid", t.grids, "Grids, x first (default: one inside the LLC, one beyond it, per dims)");
    tunec->add_option("--budget", t.budget, "Seconds of measuring at most (what was measured is kept)")
        ->check(CLI::Range(1.0, 86400.0));
    tunec->add_option("--reps", t.reps, "Timed repetitions per candidate (the median counts)")->check(CLI::Range(1, 1000));
    tunec->add_option("--record", t.record, "The record file (default: STENCILFORGE_TUNING_RECORD or the user cache)");
    tunec->add_flag("--conv", t.conv, "Time the convolution layer algorithms too (the default without --family)");
    tunec->add_flag("--no-conv", t.no_conv, "Stencils only");

    // CLI11 wants argv order with the program name first, last argument first out.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError &e) {
        return app.exit(e, out, err);
    }
    try {
        if (*list) {
            const bool filtered = !filter.shape.empty() || !filter.dtype.empty() || !filter.engine.empty() || filter.runs_here;
            if (as_json || list_all || filtered) print_catalog(out, as_json, filter);
            else print_families(out);
        }
        if (*list_conv) print_conv_catalog(out, as_json);
        if (*desc) describe(out, d);
        if (*devices) {
            if (devices_json) {
                out << nlohmann::json{{"host", device_available("host")}, {"opencl", device_available("opencl")},
                                      {"cuda", device_available("cuda")}, {"description", describe_devices()}}.dump(2)
                    << "\n";
            } else {
                out << describe_devices() << "\n";
            }
        }
        if (*runc) run_file(r, out, err);
        if (*benchc) return bench_command(b, out);
        if (*tunec) tune_here(t, out);
    } catch (const Cancelled &e) {
        err << "error: " << e.what() << "\n";
        return 130;
    } catch (const std::exception &e) {
        // Under mpiexec every rank fails alike (distributed_run.cpp agrees first): rank 0 says it once.
        if (launch_rank() == 0) err << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace stencilforge::cli
