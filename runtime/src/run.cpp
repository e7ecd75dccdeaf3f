// run(): validate everything, then ping-pong the passes of the plan between
// `out` and scratch grids so the last pass lands in `out`.
#include "cuda_context.h"
#include "halide_call.h"
#include "kernel_table.h"
#include "autoscheduled_grid.h"
#include "stencilforge/cpu.h"
#include "stencilforge/cuda.h"
#include "stencilforge/devices.h"
#include "stencilforge/run.h"
#include "stencilforge/select.h"

#include "HalideBuffer.h"
#include "HalideRuntimeCuda.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace stencilforge {

namespace {

[[noreturn]] void fail(const std::string &what) { throw Error(what); }

void validate(const VariantInfo &v, const ConstGridView &in, const GridView &out,
              std::span<const double> coefficients) {
    const std::string k = "kernel '" + v.name + "': ";
    if (!in.data) fail(k + "input grid has null data");
    if (!out.data) fail(k + "output grid has null data");
    for (const auto *g : {&in.dims, &out.dims}) {
        if (*g != v.dims) {
            fail(k + "expects " + std::to_string(v.dims) + "-D grids, got a " + std::to_string(*g) + "-D " +
                 (g == &in.dims ? "input" : "output"));
        }
    }
    if (in.dtype != v.dtype || out.dtype != v.dtype) {
        fail(k + "expects " + to_string(v.dtype) + " grids, got input " + to_string(in.dtype) + " and output " +
             to_string(out.dtype));
    }
    if (in.extent != out.extent) {
        fail(k + "input " + in.shape_string() + " and output " + out.shape_string() + " differ in shape");
    }
    for (int d = 0; d < v.dims; ++d) {
        if (in.extent[d] < v.min_extent()) {
            fail(k + "grid " + in.shape_string() + " is below the stencil footprint: every extent must be >= " +
                 std::to_string(v.min_extent()) + " (2r+1)");
        }
        if (in.extent[d] > (std::int64_t{1} << 31) - 1) {
            fail(k + "extent " + std::to_string(in.extent[d]) + " exceeds the 2^31-1 limit per dimension");
        }
    }
    // Halide's strides are 32-bit: an x-y plane (the z stride) must fit one.
    if (v.dims == 3 && in.extent[0] * in.extent[1] > (std::int64_t{1} << 31) - 1) {
        fail(k + "grid " + in.shape_string() + ": an x-y plane of " + std::to_string(in.extent[0] * in.extent[1]) +
             " cells exceeds the 2^31-1 stride limit");
    }
    if (in.cells() > static_cast<std::int64_t>(PTRDIFF_MAX / size_of(v.dtype))) {
        fail(k + "grid " + in.shape_string() + " holds more bytes than a pointer can address");
    }
    if (static_cast<int>(coefficients.size()) != v.num_coefficients()) {
        fail(k + "needs " + std::to_string(v.num_coefficients()) + " coefficients (one per offset), got " +
             std::to_string(coefficients.size()));
    }
    for (std::size_t i = 0; i < coefficients.size(); ++i) {
        if (!std::isfinite(coefficients[i])) {
            fail(k + "coefficient c[" + std::to_string(i) + "] is " + std::to_string(coefficients[i]) +
                 "; weights must be finite");
        }
    }
    const auto *a = static_cast<const std::byte *>(in.data);
    const auto *b = static_cast<const std::byte *>(out.data);
    if (a < b + out.bytes() && b < a + in.bytes()) {
        fail(k + "input and output overlap in memory; the stencil reads neighbours, so it cannot run in place");
    }
}

// `asked` is the kernel the caller named, `v` the one this pass runs (a
// remainder variant, maybe): messages name the first and mention the second.
std::string kernel_label(const VariantInfo &asked, const VariantInfo &v) {
    return "kernel '" + asked.name + "'" + (&asked == &v ? "" : " (in its remainder pass, variant '" + v.name + "')");
}

using Kernel = PreparedStencil::Kernel;

// `to` by reference: a device kernel attaches its device allocation to it,
// and the data must still be there for the next pass or the copy back.
template <typename T>
void call_one(const VariantInfo &asked, const VariantInfo &v, Kernel kernel, Halide::Runtime::Buffer<T> &from,
              Halide::Runtime::Buffer<T> &coeffs, Halide::Runtime::Buffer<T> &to) {
    detail::prepare_halide_call();
    const int rc = kernel(from.raw_buffer(), coeffs.raw_buffer(), to.raw_buffer());
    if (rc == halide_error_code_access_out_of_bounds && !v.autoscheduler.empty()) {
        // Halide's bounds check runs before any store: nothing was written.
        std::vector<std::int64_t> extents;
        for (int d = 0; d < v.dims; ++d) extents.push_back(to.dim(d).extent());
        fail(detail::autoscheduled_refusal(kernel_label(asked, v), v, ConstGridView(nullptr, v.dtype, extents),
                                           detail::last_halide_error()));
    }
    if (rc != 0) {
        fail(kernel_label(asked, v) + " failed" + (v.device == "host" ? "" : " on its " + v.device + " device") +
             detail::halide_failure(rc));
    }
    if (v.device == "cuda" && detail::cuda_sync_each_kernel()) {
        if (const int err = detail::cuda_context_synchronize(); err != 0) {
            fail(kernel_label(asked, v) + " failed while running on the GPU (CUresult " + std::to_string(err) +
                 ", found by STENCILFORGE_CUDA_SYNC=1 right after its launch)");
        }
    }
}

// A kernel with an x granule g only sees output windows whose x extent is a
// multiple of g: the largest such window from x = 0, then a window of g
// ending at the grid's edge (overlapping cells get the same values twice).
// The input is always the whole grid, so each window sees its true neighbours.
template <typename T>
void call_kernel(const VariantInfo &asked, const VariantInfo &v, Kernel kernel, Halide::Runtime::Buffer<T> &from,
                 Halide::Runtime::Buffer<T> &coeffs, Halide::Runtime::Buffer<T> &to) {
    const int g = v.x_granule, w = to.dim(0).extent();
    if (g <= 1 || w % g == 0 || w < g) {
        call_one(asked, v, kernel, from, coeffs, to);
        return;
    }
    auto left = to.cropped(0, 0, w - w % g), right = to.cropped(0, w - g, g);
    call_one(asked, v, kernel, from, coeffs, left);
    call_one(asked, v, kernel, from, coeffs, right);
}

// How many scratch grids a plan needs. A kernel that refuses a grid does so
// on its first call, before it stores anything. One variant: ping-pong
// between `out` and one scratch grid. Several (a remainder kernel too): `out`
// is written by the last pass only, so a refusal by a later kernel leaves it
// untouched.
std::size_t scratch_grids(const std::vector<PlanStage> &plan) {
    const std::int64_t n = count_passes(plan);
    if (n <= 1) return 0;
    return plan.size() == 1 || n == 2 ? 1 : 2;
}

// Runs every pass of the plan, ping-ponging so the last lands in `dst`;
// `progress` is asked between passes whether to go on.
template <typename T>
void run_passes(const VariantInfo &asked, const std::vector<PlanStage> &plan, const std::vector<Kernel> &kernels,
                Halide::Runtime::Buffer<T> &src,
                Halide::Runtime::Buffer<T> &coeffs, Halide::Runtime::Buffer<T> &dst,
                std::vector<Halide::Runtime::Buffer<T>> &scratch, const Progress &progress) {
    const std::int64_t n = count_passes(plan);
    std::int64_t total_steps = 0, steps_done = 0, i = 0;
    for (const auto &stage : plan) total_steps += stage.passes * stage.variant->depth;
    const bool one_kernel = plan.size() == 1;
    Halide::Runtime::Buffer<T> *from = &src;
    for (std::size_t s = 0; s < plan.size(); ++s) {
        const PlanStage &stage = plan[s];
        for (std::int64_t p = 0; p < stage.passes; ++p, ++i) {
            if (progress && !progress(steps_done, total_steps)) {
                throw Cancelled("kernel '" + asked.name + "': stopped after " + std::to_string(steps_done) + " of " +
                                std::to_string(total_steps) + " steps");
            }
            const std::int64_t left = n - 1 - i;  // passes after this one
            Halide::Runtime::Buffer<T> *to = left == 0 ? &dst
                                             : one_kernel ? (left % 2 == 0 ? &dst : &scratch[0])
                                                          : &scratch[left % static_cast<std::int64_t>(scratch.size())];
            call_kernel(asked, *stage.variant, kernels[s], *from, coeffs, *to);
            from = to;
            steps_done += stage.variant->depth;
        }
    }
    if (progress) progress(steps_done, total_steps);
}

// The extents a family pick is made for; a grid of the wrong dims is
// refused by the pick (or, for a variant, by validate()).
std::vector<std::int64_t> extents_of(const ConstGridView &g) {
    const int dims = std::clamp(g.dims, 0, 3);
    return std::vector<std::int64_t>(g.extent.begin(), g.extent.begin() + dims);
}

std::vector<int> shape_of(const ConstGridView &g) {
    std::vector<int> shape;
    for (int d = 0; d < g.dims; ++d) shape.push_back(static_cast<int>(g.extent[d]));
    return shape;
}

template <typename T>
void run_host_grids(const VariantInfo &asked, const std::vector<PlanStage> &plan, const std::vector<Kernel> &kernels,
                    const ConstGridView &in,
                    const GridView &out, std::span<const double> coefficients, Workspace &workspace,
                    const Progress &progress) {
    const std::vector<int> shape = shape_of(in);
    std::vector<T> weights(coefficients.begin(), coefficients.end());
    Halide::Runtime::Buffer<T> coeffs(weights.data(), static_cast<int>(weights.size()));
    Halide::Runtime::Buffer<T> src(const_cast<T *>(static_cast<const T *>(in.data)), shape);
    Halide::Runtime::Buffer<T> dst(static_cast<T *>(out.data), shape);
    // Halide copies a buffer to a device only when its host side is marked
    // dirty; wrapped caller memory is not, and a device kernel would read
    // uninitialized device memory. Host kernels ignore the flag.
    src.set_host_dirty();
    coeffs.set_host_dirty();
    std::vector<Halide::Runtime::Buffer<T>> scratch;
    if (const std::size_t grids = scratch_grids(plan); grids > 0) {
        auto *base = static_cast<std::byte *>(workspace.reserve(grids * in.bytes()));
        for (std::size_t g = 0; g < grids; ++g) {
            scratch.emplace_back(reinterpret_cast<T *>(base + g * in.bytes()), shape);
        }
    }
    // CUDA: the inputs go to the device up front, and the context is drained
    // before the first kernel and before the copy back, so a caller's
    // non-blocking stream never overtakes a copy Halide made on another.
    const bool cuda = std::any_of(plan.begin(), plan.end(), [](const PlanStage &p) { return p.variant->device == "cuda"; });
    if (cuda) {
        detail::prepare_halide_call();
        for (auto *b : {&src, &coeffs}) {
            if (const int rc = b->copy_to_device(halide_cuda_device_interface()); rc != 0) {
                fail("copying the input to the device failed" + detail::halide_failure(rc));
            }
        }
        if (const int rc = detail::cuda_context_synchronize(); rc != 0) {
            fail("waiting for the input copies failed (CUresult " + std::to_string(rc) + ")");
        }
    }
    run_passes(asked, plan, kernels, src, coeffs, dst, scratch, progress);
    // A device kernel leaves its result on the device; the caller reads host memory.
    if (dst.device_dirty()) {
        if (cuda) {
            if (const int rc = detail::cuda_context_synchronize(); rc != 0) {
                fail("waiting for the CUDA kernels failed (CUresult " + std::to_string(rc) + ")");
            }
        }
        detail::prepare_halide_call();
        if (const int rc = dst.copy_to_host(); rc != 0) {
            fail("copying the result back from the device failed" + detail::halide_failure(rc));
        }
    }
}

// Grids in CUDA device memory: wrapped, never copied; scratch grids are
// device-only allocations (no host memory at all).
template <typename T>
void run_device_grids(const VariantInfo &asked, const std::vector<PlanStage> &plan, const std::vector<Kernel> &kernels,
                      const ConstGridView &in,
                      const GridView &out, std::span<const double> coefficients) {
    const halide_device_interface_t *cuda = halide_cuda_device_interface();
    const std::vector<int> shape = shape_of(in);
    std::vector<T> weights(coefficients.begin(), coefficients.end());
    Halide::Runtime::Buffer<T> coeffs(weights.data(), static_cast<int>(weights.size()));
    coeffs.set_host_dirty();
    Halide::Runtime::Buffer<T> src(nullptr, shape), dst(nullptr, shape);
    detail::prepare_halide_call();
    for (auto [buffer, pointer] : {std::pair{&src, in.data}, std::pair{&dst, static_cast<const void *>(out.data)}}) {
        if (const int rc = buffer->device_wrap_native(cuda, reinterpret_cast<std::uint64_t>(pointer)); rc != 0) {
            fail("wrapping a caller's CUDA pointer failed" + detail::halide_failure(rc));
        }
    }
    std::vector<Halide::Runtime::Buffer<T>> scratch;
    std::string failure;
    try {
        for (std::size_t g = 0; g < scratch_grids(plan); ++g) {
            scratch.emplace_back(nullptr, shape);
            if (const int rc = scratch.back().device_malloc(cuda); rc != 0) {
                fail("allocating a device scratch grid failed" + detail::halide_failure(rc));
            }
        }
        run_passes(asked, plan, kernels, src, coeffs, dst, scratch, Progress{});
        if (const int rc = detail::cuda_synchronize(); rc != 0) {
            fail("waiting for the CUDA stream failed (CUresult " + std::to_string(rc) + ")");
        }
    } catch (const Error &e) {
        failure = e.what();
    }
    // The caller's memory stays the caller's: detach before the Buffers go.
    src.device_detach_native();
    dst.device_detach_native();
    if (!failure.empty()) fail(failure);
}

// Everything run() and run_on_device() check about the grids before any kernel runs.
void check_grids(const VariantInfo &v, const std::vector<PlanStage> &plan, const ConstGridView &in,
                 const GridView &out, std::span<const double> coefficients) {
    validate(v, in, out, coefficients);
    for (const PlanStage &stage : plan) {
        const VariantInfo &p = *stage.variant;
        if (!device_available(p.device)) {
            fail(kernel_label(v, p) + " needs a " + p.device + " device and this machine has none (" +
                 describe_devices() + ")");
        }
        if (p.device == "cuda") detail::use_shared_cuda_context();
        if (!p.autoscheduler.empty()) detail::require_autoscheduled_grid(kernel_label(v, p), p, in);
    }
}

}  // namespace

Workspace::Workspace() = default;
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace &&) noexcept = default;
Workspace &Workspace::operator=(Workspace &&) noexcept = default;
void Workspace::Free::operator()(void *p) const { std::free(p); }

void *Workspace::reserve(std::size_t bytes) {
    if (bytes > capacity_) {
        const std::size_t rounded = (bytes + 63) / 64 * 64;
        memory_.reset();
        capacity_ = 0;
        void *p = std::aligned_alloc(64, rounded);
        if (!p) throw Error("cannot allocate a " + std::to_string(rounded) + "-byte scratch grid");
        memory_.reset(p);
        capacity_ = rounded;
    }
    return memory_.get();
}

void Workspace::release() {
    memory_.reset();
    capacity_ = 0;
}

Workspace &thread_workspace() {
    thread_local Workspace workspace;
    return workspace;
}

PreparedStencil::PreparedStencil(std::string_view name, int steps)
    : variant_(&require_variant(name)), steps_(steps), plan_(plan_passes(variant_->name, steps)) {
    for (const PlanStage &stage : plan_) kernels_.push_back(detail::kernel_for(*stage.variant));
}

PreparedStencil::PreparedStencil(std::string_view kernel, int steps, std::span<const std::int64_t> extent,
                                 std::string_view device)
    : PreparedStencil(resolve_kernel(kernel, extent, steps, device).name, steps) {}

void PreparedStencil::run(ConstGridView in, GridView out, std::span<const double> coefficients, Workspace &workspace,
                          const Progress &progress) const {
    check_grids(*variant_, plan_, in, out, coefficients);
    if (plan_.empty()) {
        std::memcpy(out.data, in.data, in.bytes());
        return;
    }
    if (in.dtype == DType::f32) {
        run_host_grids<float>(*variant_, plan_, kernels_, in, out, coefficients, workspace, progress);
    } else {
        run_host_grids<double>(*variant_, plan_, kernels_, in, out, coefficients, workspace, progress);
    }
}

void PreparedStencil::run_on_device(ConstGridView in, GridView out, std::span<const double> coefficients) const {
    const VariantInfo &v = *variant_;
    const std::string k = "kernel '" + v.name + "': ";
    detail::require_cuda_variant(v.name, v.device, "grids");
    check_grids(v, plan_, in, out, coefficients);
    detail::require_device_memory(v.name, {in.data, in.bytes()}, {out.data, out.bytes()});
    if (plan_.empty()) {  // zero steps: the result is the input
        if (const int rc = detail::cuda_copy(out.data, in.data, in.bytes()); rc != 0) {
            fail(k + "the device-to-device copy failed (CUresult " + std::to_string(rc) + ")");
        }
        return;
    }
    if (in.dtype == DType::f32) {
        run_device_grids<float>(v, plan_, kernels_, in, out, coefficients);
    } else {
        run_device_grids<double>(v, plan_, kernels_, in, out, coefficients);
    }
}

void run(std::string_view name, ConstGridView in, GridView out, int steps, std::span<const double> coefficients) {
    run(name, in, out, steps, coefficients, thread_workspace(), Progress{});
}

void run(std::string_view name, ConstGridView in, GridView out, int steps, std::span<const double> coefficients,
         Workspace &workspace) {
    run(name, in, out, steps, coefficients, workspace, Progress{});
}

void run(std::string_view name, ConstGridView in, GridView out, int steps, std::span<const double> coefficients,
         Workspace &workspace, const Progress &progress) {
    PreparedStencil(name, steps, extents_of(in)).run(in, out, coefficients, workspace, progress);
}

void run_on_device(std::string_view name, ConstGridView in, GridView out, int steps,
                   std::span<const double> coefficients) {
    PreparedStencil(name, steps, extents_of(in), "cuda").run_on_device(in, out, coefficients);
}

}  // namespace stencilforge
