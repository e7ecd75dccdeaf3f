// Autoscheduled variants' refusals. An autoscheduler splits loops by factors
// it chose for the grid it was planned for, with ShiftInwards tails, so a
// dimension below a split factor makes Halide's bounds check (which runs
// before any compute or store) fail with "... is accessed at A, which is
// before the min (M) in dimension D": that dimension needs M - A more cells.
// The factor is not a fixed box: schedules that fuse x and y before
// splitting need a larger y on a narrow grid than on a wide one (Li2018's
// star2d1r_f32_li2018_t4 needs y >= 4112 at x = 8 and runs 2051x2053), so
// the message names the extent at this grid's other extents, and the planned
// grid as a size that always runs.
#include "autoscheduled_grid.h"

#include "stencilforge/cpu.h"

#include <map>
#include <mutex>
#include <regex>
#include <tuple>

namespace stencilforge::detail {

namespace {

using Key = std::tuple<const VariantInfo *, CpuIsa, std::array<std::int64_t, 3>>;

std::mutex &refusals_mutex() {
    static std::mutex m;
    return m;
}
std::map<Key, std::string> &refusals() {
    static std::map<Key, std::string> r;
    return r;
}

Key key_of(const VariantInfo &v, const ConstGridView &grid) { return {&v, active_cpu_isa(), grid.extent}; }

}  // namespace

void require_autoscheduled_grid(const std::string &label, const VariantInfo &v, const ConstGridView &grid) {
    std::lock_guard lock(refusals_mutex());
    if (auto it = refusals().find(key_of(v, grid)); it != refusals().end()) throw Error(label + it->second);
}

std::string autoscheduled_refusal(const std::string &label, const VariantInfo &v, const ConstGridView &grid,
                                  const std::string &halide_message) {
    static const std::regex before(R"(is accessed at (-?\d+), which is before the min \((-?\d+)\) in dimension (\d+))");
    static const std::regex beyond(R"(is accessed at (-?\d+), which is beyond the max \((-?\d+)\) in dimension (\d+))");
    std::smatch m;
    std::string need;
    int dim = -1;
    std::int64_t grow = 0;
    if (std::regex_search(halide_message, m, before)) {
        dim = std::stoi(m[3]), grow = std::stoll(m[2]) - std::stoll(m[1]);
    } else if (std::regex_search(halide_message, m, beyond)) {
        dim = std::stoi(m[3]), grow = std::stoll(m[1]) - std::stoll(m[2]);
    }
    if (dim >= 0 && dim < v.dims && grow > 0) {
        const char *axis[] = {"x", "y", "z"};
        need = ": its tiles need " + std::string(axis[dim]) + " >= " + std::to_string(grid.extent[dim] + grow) +
               (v.dims > 1 ? " at this grid's other extents" : "");
    }
    std::string planned;
    for (std::size_t d = 0; d < v.planned_grid.size(); ++d) planned += (d ? "x" : "") + std::to_string(v.planned_grid[d]);
    const std::string tail = " (scheduled by Halide's " + v.autoscheduler + " autoscheduler) does not run on grid " +
                             grid.shape_string() + need + "; grids at least as large as the " + planned +
                             " it was planned for run, and hand-scheduled variants (tiled, temporal) run on any grid";
    std::lock_guard lock(refusals_mutex());
    refusals()[key_of(v, grid)] = tail;
    return label + tail;
}

}  // namespace stencilforge::detail
