// Family names and the auto pick. A family is a <shape>_<dtype> name
// (star2d1r_f32): it stands for every variant of that stencil, and run(), the
// CLI's -k and PreparedStencil take it wherever they take a variant name.
// The pick is made per call from the grid, the step count and where the data
// lives: the fastest variant this machine's tuning record measured, or
// without a record the model of docs/selection.md. It only picks variants that
// run here and accept the grid (devices present, depth <= steps, grids at
// least an autoscheduler's planned size), so a family run always runs.
#pragma once

#include "stencilforge/catalog.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stencilforge {

// The family a variant belongs to: "<shape>_<dtype>".
std::string family_of(const VariantInfo &v);

// True for a <shape>_<dtype> of the catalog.
bool is_family(std::string_view name);
std::vector<std::string> families();  // in catalog order

struct Selection {
    const VariantInfo *variant;       // what runs
    std::string reason;               // why: the record's measurement or the model's estimate, in words
    bool from_record;                 // picked from a tuning record (else from the model)
    double expected_cell_steps_per_s; // the record's or the model's number for this grid and step count
    std::string record_message;       // why a record was not used, when one was looked for ("" otherwise)
};

// The variant `family` runs for a grid of `extent` (x first) and `steps`
// steps on `device` ("host" or "cuda"). Throws Error for an unknown family,
// extents that are not the family's dims or not positive, steps outside
// [0, kMaxSteps], and when no variant of the family runs on `device` here.
Selection select_variant(std::string_view family, std::span<const std::int64_t> extent, int steps,
                         std::string_view device = "host");

// `kernel` itself when it names a variant, else the first catalog member of
// the family it names: what a family's members share (dims, dtype,
// coefficient order), without picking one. Throws Error for any other name.
const VariantInfo &representative(std::string_view kernel);

// `kernel` itself when it names a variant, else the pick of the family it names.
const VariantInfo &resolve_kernel(std::string_view kernel, std::span<const std::int64_t> extent, int steps,
                                  std::string_view device = "host");

// The model's estimate for one variant (docs/selection.md), cell-steps per
// second over a run of `steps` steps on `extent`, this machine's profile.
double model_cell_steps_per_s(const VariantInfo &v, std::span<const std::int64_t> extent, int steps);

// The efficiency (catalog model.efficiency) at which the model predicts a
// measured `cell_steps_per_s` for one pass of `v` on `extent`; 0 when the
// measurement cannot tell (a streaming pass at the memory roof). tune()
// reports these per implementation: how the catalog's values are calibrated.
double model_fitted_efficiency(const VariantInfo &v, std::span<const std::int64_t> extent, double cell_steps_per_s);
// Whether the model takes `extent`'s two grids to fit the LLC (which efficiency applies).
bool model_in_cache(const VariantInfo &v, std::span<const std::int64_t> extent);

}  // namespace stencilforge
