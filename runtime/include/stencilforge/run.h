// Running a kernel: run() applies `steps` stencil steps to `in` and writes the
// result to `out`, validating everything before it touches the caller's memory.
#pragma once

#include "stencilforge/catalog.h"
#include "stencilforge/error.h"
#include "stencilforge/grid.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct halide_buffer_t;  // HalideRuntime.h

namespace stencilforge {

// Scratch memory for the intermediate passes of multi-pass runs. Keep one
// per thread and reuse it: it grows to the largest grid seen and stays, so
// repeated runs do not pay for allocating and page-faulting a grid each time.
class Workspace {
public:
    Workspace();
    ~Workspace();
    Workspace(Workspace &&) noexcept;
    Workspace &operator=(Workspace &&) noexcept;
    void *reserve(std::size_t bytes);  // 64-byte aligned, valid until the next reserve()
    void release();                    // frees the memory now
    std::size_t capacity() const { return capacity_; }

private:
    struct Free {
        void operator()(void *p) const;
    };
    std::unique_ptr<void, Free> memory_;
    std::size_t capacity_ = 0;
};

// Applies `steps` >= 0 steps of `variant` to `in`, result in `out`. `variant`
// may be a family name (star2d1r_f32, select.h): the auto pick for this grid
// and step count runs.
// `in` is never written. `out` must have in's dtype and extents and must not
// overlap `in`. `coefficients` holds one weight per offset, in the order of
// VariantInfo::offsets(). With steps == 0, out becomes a copy of in.
// Passes that do not end in `out` use `workspace` for one scratch grid (two
// when a remainder kernel runs too: then `out` is written by the last pass
// only, so a kernel refusing the grid leaves it untouched).
// Kernels scheduled by a Halide autoscheduler refuse grids smaller than one of
// the tiles it chose: checked before anything runs, with an Error naming the
// smallest grid they accept; see docs/semantics.md. `steps` is at most
// kMaxSteps; coefficients must be finite.
void run(std::string_view variant, ConstGridView in, GridView out, int steps,
         std::span<const double> coefficients, Workspace &workspace);

// Observes a run: called before each pass and once at the end with the steps
// done so far and the run's total. Returning false stops the run before the
// next pass: run() throws Cancelled and `out` holds unspecified values.
using Progress = std::function<bool(std::int64_t steps_done, std::int64_t steps_total)>;

void run(std::string_view variant, ConstGridView in, GridView out, int steps,
         std::span<const double> coefficients, Workspace &workspace, const Progress &progress);

// A run resolved once: the variant, the pass plan for a step count (full
// passes plus the remainder's) and each pass's compiled kernel. run() builds
// one per call; code that runs the same kernel and step count repeatedly (a
// time loop, a benchmark) keeps one and pays no catalog lookups per call.
// The grids are checked at each run(), exactly as the free run() checks them.
class PreparedStencil {
public:
    // Throws Error for an unknown variant or steps outside [0, kMaxSteps], and
    // when no catalog variant covers the leftover steps.
    PreparedStencil(std::string_view variant, int steps);
    // `kernel` a variant or a family (select.h): a family is resolved to the
    // pick for grids of `extent` on `device` ("host" or "cuda").
    PreparedStencil(std::string_view kernel, int steps, std::span<const std::int64_t> extent,
                    std::string_view device = "host");

    const VariantInfo &variant() const { return *variant_; }
    int steps() const { return steps_; }
    const std::vector<PlanStage> &plan() const { return plan_; }

    void run(ConstGridView in, GridView out, std::span<const double> coefficients, Workspace &workspace,
             const Progress &progress = {}) const;
    // Grids in CUDA device memory (cuda.h's run_on_device()).
    void run_on_device(ConstGridView in, GridView out, std::span<const double> coefficients) const;

    // The compiled kernel each plan stage calls (internal: the schedule lab
    // swaps in a freshly built one); the same order as plan().
    using Kernel = int (*)(halide_buffer_t *in, halide_buffer_t *coeffs, halide_buffer_t *out);
    void set_kernel(std::size_t stage, Kernel kernel) { kernels_.at(stage) = kernel; }

private:
    const VariantInfo *variant_;
    int steps_;
    std::vector<PlanStage> plan_;
    std::vector<Kernel> kernels_;
};

// As above, with a workspace owned by the calling thread (kept until the
// thread exits; release it with thread_workspace().release()).
void run(std::string_view variant, ConstGridView in, GridView out, int steps,
         std::span<const double> coefficients);
Workspace &thread_workspace();

}  // namespace stencilforge
