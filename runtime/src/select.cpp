// The auto pick (select.h): candidates of a family that can run the call,
// ranked by this machine's tuning record when it has one for the family, else
// by the model of docs/selection.md; each estimate is for the whole plan
// (full passes plus the remainder's), so a deep variant whose steps mostly
// fall to its remainder is charged for them.
#include "stencilforge/select.h"
#include "stencilforge/cpu.h"
#include "stencilforge/devices.h"
#include "stencilforge/machine.h"
#include "stencilforge/tuning.h"
#include "tuning_cache.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace stencilforge {

std::string family_of(const VariantInfo &v) { return v.shape + "_" + to_string(v.dtype); }

namespace {

std::string grid_text(std::span<const std::int64_t> e) {
    std::string s;
    for (std::size_t d = 0; d < e.size(); ++d) s += (d ? "x" : "") + std::to_string(e[d]);
    return s;
}

std::string rate_text(double r) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", r * 1e-9);
    return b;
}

// The model's two terms for one pass of `v`: seconds moving the grid, and
// seconds computing it at efficiency 1 (divide by the efficiency).
struct PassTerms {
    double memory_s, compute_s_at_peak, cell_steps;
    bool in_cache;
};

PassTerms pass_terms(const VariantInfo &v, std::span<const std::int64_t> extent) {
    const MachineProfile &m = machine_profile();
    double cells = 1;
    for (auto e : extent) cells *= static_cast<double>(e);
    const double bytes = static_cast<double>(size_of(v.dtype));
    // Memory: one read and one write of the grid per pass, from DRAM when the
    // two grids outgrow the LLC, else at the in-cache copy rate.
    const bool in_cache = 2 * cells * bytes <= static_cast<double>(m.llc_bytes);
    const double bandwidth = in_cache ? m.llc_copy_bytes_per_s : m.dram_copy_bytes_per_s;
    const double memory_s = 2 * cells * bytes / bandwidth;
    // Compute: T steps of 2 FLOP per coefficient, plus the halo a fused pass
    // recomputes: r(T-1) extra cells per tile side on average over its steps.
    double redundancy = 1;
    for (std::size_t d = 0; d < v.model_tile.size() && d < extent.size(); ++d) {
        const double tile = std::min<double>(v.model_tile[d], static_cast<double>(extent[d]));
        redundancy *= 1 + static_cast<double>(v.radius) * (v.depth - 1) / tile;
    }
    const double peak = v.dtype == DType::f32 ? m.fma_f32_flops : m.fma_f64_flops;
    return {memory_s, cells * v.depth * 2.0 * (v.num_coefficients() + v.model_overhead) * redundancy / peak,
            cells * v.depth, in_cache};
}

// Cell-steps per second of one pass of `v` (the model).
double model_pass_rate(const VariantInfo &v, std::span<const std::int64_t> extent) {
    const PassTerms p = pass_terms(v, extent);
    const double efficiency = v.model_efficiency[static_cast<int>(active_cpu_isa())][p.in_cache ? 0 : 1];
    const double compute_s = p.compute_s_at_peak / (efficiency > 0 ? efficiency : 1e-3);
    // A streaming pass overlaps memory with compute; a phased one (a tile
    // loaded, then advanced T steps in cache) mostly waits for one, then the other.
    return p.cell_steps / (v.model_phased ? p.memory_s + compute_s : std::max(p.memory_s, compute_s));
}

// Seconds for the whole plan, each pass at `rate(variant)` cell-steps/s.
template <typename Rate>
double plan_seconds(const VariantInfo &v, int steps, double cells, Rate rate) {
    double s = 0;
    for (const PlanStage &stage : plan_passes(v.name, steps)) {
        s += static_cast<double>(stage.passes) * stage.variant->depth * cells / rate(*stage.variant);
    }
    return s;
}

bool runs_here(const VariantInfo &v, std::span<const std::int64_t> extent, int steps, std::string_view device,
               std::string *why) {
    if (v.device != device) return false;
    if (!device_available(v.device)) {
        *why = "no " + v.device + " device";
        return false;
    }
    if (v.depth > std::max(steps, 1)) return false;  // its steps would all fall to the remainder
    for (std::size_t d = 0; d < v.planned_grid.size() && d < extent.size(); ++d) {
        if (extent[d] < v.planned_grid[d]) return false;  // an autoscheduler's tiles may not fit
    }
    return v.schedule != "naive";  // the unscheduled reference speed: never the pick while others run
}

}  // namespace

bool is_family(std::string_view name) {
    for (const auto &v : catalog()) {
        if (name.size() == v.shape.size() + 4 && name.starts_with(v.shape) && name[v.shape.size()] == '_' &&
            name.substr(v.shape.size() + 1) == to_string(v.dtype)) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> families() {
    std::vector<std::string> out;
    for (const auto &v : catalog()) {
        if (std::find(out.begin(), out.end(), family_of(v)) == out.end()) out.push_back(family_of(v));
    }
    return out;
}

double model_cell_steps_per_s(const VariantInfo &v, std::span<const std::int64_t> extent, int steps) {
    double cells = 1;
    for (auto e : extent) cells *= static_cast<double>(e);
    if (steps <= 0) return 0;
    return cells * steps / plan_seconds(v, steps, cells, [&](const VariantInfo &u) { return model_pass_rate(u, extent); });
}

bool model_in_cache(const VariantInfo &v, std::span<const std::int64_t> extent) { return pass_terms(v, extent).in_cache; }

double model_fitted_efficiency(const VariantInfo &v, std::span<const std::int64_t> extent, double rate) {
    const PassTerms p = pass_terms(v, extent);
    const double pass_s = p.cell_steps / rate;
    const double compute_s = v.model_phased ? pass_s - p.memory_s : pass_s;
    // A streaming pass at the memory roof says nothing about its compute.
    if (compute_s <= 0 || (!v.model_phased && pass_s <= p.memory_s * 1.05)) return 0;
    return std::min(1.0, p.compute_s_at_peak / compute_s);
}

Selection select_variant(std::string_view family, std::span<const std::int64_t> extent, int steps,
                         std::string_view device) {
    const std::string f(family);
    if (!is_family(family)) {
        throw Error("unknown kernel family '" + f + "' (a family is <shape>_<dtype>, e.g. star2d1r_f32; " +
                    "`stencilforge list` shows them)");
    }
    if (steps < 0 || steps > kMaxSteps) {
        throw Error("kernel family '" + f + "': steps must be in [0, " + std::to_string(kMaxSteps) + "], got " +
                    std::to_string(steps));
    }
    std::vector<const VariantInfo *> members;
    for (const auto &v : catalog()) {
        if (family_of(v) == f) members.push_back(&v);
    }
    const int dims = members.front()->dims;
    if (static_cast<int>(extent.size()) != dims) {
        throw Error("kernel family '" + f + "' is " + std::to_string(dims) + "-D; the grid has " +
                    std::to_string(extent.size()) + " extents");
    }
    double cells = 1;
    for (auto e : extent) {
        if (e < 1) throw Error("kernel family '" + f + "': grid " + grid_text(extent) + " has an extent below 1");
        cells *= static_cast<double>(e);
    }
    std::vector<const VariantInfo *> candidates;
    std::string absent;
    for (const VariantInfo *v : members) {
        if (runs_here(*v, extent, steps, device, &absent)) candidates.push_back(v);
    }
    if (candidates.empty()) {
        throw Error("kernel family '" + f + "': no variant runs on " + std::string(device) + " here" +
                    (absent.empty() ? "" : " (" + absent + "; " + describe_devices() + ")"));
    }
    const int plan_steps = std::max(steps, 1);  // zero steps copy the input: rank as for one step
    Selection pick{nullptr, "", false, 0, ""};

    // 1. The tuning record: the entry of this family nearest the grid in cell count.
    if (device == "host") {
        const auto shared = detail::cached_tuning_record();
        const detail::CachedRecord &cached = *shared;
        pick.record_message = cached.record ? "" : cached.message;
        const TuningEntry *entry = nullptr;
        if (cached.record) {
            double best_distance = 0;
            for (const TuningEntry &e : cached.record->entries) {
                if (e.family != f || e.grid.size() != extent.size()) continue;
                double c = 1;
                for (auto x : e.grid) c *= static_cast<double>(x);
                const double distance = std::abs(std::log(c / cells));
                if (!entry || distance < best_distance) entry = &e, best_distance = distance;
            }
            if (!entry) pick.record_message = "the tuning record " + cached.path + " has no entry for " + f;
        }
        if (entry) {
            std::map<std::string, double> measured;
            for (const Measurement &m : entry->measured) measured[m.variant] = m.cell_steps_per_s;
            double best = 0;
            for (const VariantInfo *v : candidates) {
                if (!measured.count(v->name)) continue;
                // Stages the record did not time (a remainder) at the model's rate.
                const double s = plan_seconds(*v, plan_steps, cells, [&](const VariantInfo &u) {
                    const auto it = measured.find(u.name);
                    return it != measured.end() ? it->second : model_pass_rate(u, extent);
                });
                if (cells * plan_steps / s > best) best = cells * plan_steps / s, pick.variant = v;
            }
            if (pick.variant) {
                pick.from_record = true;
                pick.expected_cell_steps_per_s = best;
                pick.reason = "tuning record " + cached.path + " (" + cached.record->created + "): fastest of " +
                              std::to_string(entry->measured.size()) + " variants measured on " +
                              grid_text(entry->grid) + ", expected " + rate_text(best) +
                              " G cell-steps/s for " + std::to_string(plan_steps) + " steps";
                return pick;
            }
            pick.record_message = "the tuning record's entry for " + f + " names no variant that runs this call";
        }
    }

    // 2. The model.
    if (device != "host") {
        // No GPU has been measured: the deepest fused variant the steps allow, hand-written first.
        std::stable_sort(candidates.begin(), candidates.end(), [](const VariantInfo *a, const VariantInfo *b) {
            return a->depth != b->depth ? a->depth > b->depth : (a->engine == "handwritten") > (b->engine == "handwritten");
        });
        pick.variant = candidates.front();
        pick.reason = "no model for " + std::string(device) + " variants (none measured): the deepest fused depth " +
                      "the steps allow, hand-written first";
        return pick;
    }
    double best = 0;
    for (const VariantInfo *v : candidates) {
        const double r = model_cell_steps_per_s(*v, extent, plan_steps);
        if (r > best) best = r, pick.variant = v;
    }
    const MachineProfile &m = machine_profile();
    const double bytes = 2 * cells * static_cast<double>(size_of(members.front()->dtype));
    std::ostringstream why;
    why << "model: grid " << grid_text(extent) << " (" << std::lround(bytes / (1 << 20)) << " MiB in + out) "
        << (bytes <= static_cast<double>(m.llc_bytes) ? "fits" : "exceeds") << " the "
        << (m.llc_bytes >> 20) << " MiB LLC; roofs " << m.roofs_from << " (copy " << rate_text(
               bytes <= static_cast<double>(m.llc_bytes) ? m.llc_copy_bytes_per_s : m.dram_copy_bytes_per_s)
        << " GB/s, FMA " << rate_text(members.front()->dtype == DType::f32 ? m.fma_f32_flops : m.fma_f64_flops)
        << " GFLOP/s); expected " << rate_text(best) << " G cell-steps/s, best of " << candidates.size()
        << " candidates";
    pick.expected_cell_steps_per_s = best;
    pick.reason = why.str();
    return pick;
}

const VariantInfo &representative(std::string_view kernel) {
    if (const VariantInfo *v = find_variant(kernel)) return *v;
    if (is_family(kernel)) {
        for (const auto &v : catalog()) {
            if (family_of(v) == kernel) return v;
        }
    }
    return require_variant(kernel);  // throws, with suggestions
}

const VariantInfo &resolve_kernel(std::string_view kernel, std::span<const std::int64_t> extent, int steps,
                                  std::string_view device) {
    if (const VariantInfo *v = find_variant(kernel)) return *v;
    if (is_family(kernel)) return *select_variant(kernel, extent, steps, device).variant;
    return require_variant(kernel);  // throws, with suggestions
}

}  // namespace stencilforge
