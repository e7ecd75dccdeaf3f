// The kernel catalog at run time: every variant built into the library, with
// the metadata tests, benchmarks and tools select by. Generated from catalog.json.
#pragma once

#include "stencilforge/error.h"
#include "stencilforge/grid.h"
#include "stencilforge/shape.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace stencilforge {

struct VariantInfo {
    std::string name;         // <shape>_<dtype>_<schedule>_t<depth>, e.g. star2d1r_f32_temporal_t4
    std::string shape;        // e.g. star2d1r
    Pattern pattern;
    int dims;                 // 2 or 3
    int radius;
    DType dtype;
    std::string schedule;     // naive, tiled, temporal, omp, opencl_gpu_tiled, ...
    std::string engine;       // "halide" or "handwritten"
    int depth;                // steps fused in one pass (T)
    std::string remainder;    // schedule that runs steps left over when steps % depth != 0
    int x_granule;            // the kernel is called on x windows that are multiples of this
    std::string autoscheduler;  // Halide autoscheduler that scheduled it; empty for schedules/ files
    std::vector<std::int64_t> planned_grid;  // the grid the autoscheduler planned for (it runs on any
                                             // grid at least this large; smaller ones may be refused)
    std::string device;       // where it computes: "host", or a device API ("opencl", "cuda")
    double tolerance;         // its accuracy contract (max error / max |reference|) when looser than
                              // the dtype's (reduced-precision tensor cores); 0: the dtype's
    std::string description;  // what the schedule does
    // The selection model (docs/selection.md): the fraction of the FMA peak
    // its inner loop reaches ([CpuIsa][grids inside the LLC, beyond it]), its
    // per-cell work besides the taps (in taps),
    // whether it is phased (loads a tile, then computes it: memory and compute
    // times add; else they overlap), and the tile whose T*r halo each fused
    // pass recomputes (x first; empty: none). 0 / empty on devices.
    std::array<std::array<double, 2>, 2> model_efficiency;
    double model_overhead;
    bool model_phased;
    std::vector<int> model_tile;
    std::string knobs;        // generator knobs it was built with ("tile_x=2048,tile_y=128"); empty: the schedule's
    bool tuning_candidate;    // built by the tuning build only (a point of a tuning space, not a catalog row)
    bool nontemporal_stores;  // writes its output with non-temporal stores: its memory roof is the
                              // non-temporal copy (roofline.h), not the ordinary-store one

    int num_coefficients() const;
    std::vector<Offset> offsets() const;  // in coefficient order
    std::int64_t min_extent() const { return 2 * radius + 1; }
};

const std::vector<VariantInfo> &catalog();

// nullptr when no variant has that name.
const VariantInfo *find_variant(std::string_view name);

// As find_variant(), but an unknown name throws Error with a message saying so.
const VariantInfo &require_variant(std::string_view name);

// The most steps one run() accepts: more is taken for a mistake (a negative
// number wrapped around, a typo) rather than work to start.
inline constexpr int kMaxSteps = 100'000'000;

// `passes` consecutive passes of one variant.
struct PlanStage {
    const VariantInfo *variant;
    std::int64_t passes;
};

// The passes run, in order, to apply `steps` steps with `variant`: full passes
// of its depth, then the remainder, as at most one stage per variant (so the
// plan's size does not grow with the step count). Throws Error like run().
std::vector<PlanStage> plan_passes(std::string_view variant, int steps);
std::int64_t count_passes(const std::vector<PlanStage> &plan);

std::string to_string(Pattern pattern);

}  // namespace stencilforge
