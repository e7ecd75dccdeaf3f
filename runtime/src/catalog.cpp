// The run-time catalog: lookups over the generated kernel table, and the pass
// plan that turns `steps` into full-depth passes plus a remainder.
#include "kernel_table.h"
#include "stencilforge/error.h"

#include <algorithm>

namespace stencilforge {

int VariantInfo::num_coefficients() const { return static_cast<int>(offsets().size()); }
std::vector<Offset> VariantInfo::offsets() const { return stencil_offsets(pattern, radius, dims); }
std::string to_string(Pattern pattern) { return pattern == Pattern::star ? "star" : "box"; }

const std::vector<VariantInfo> &catalog() {
    static const std::vector<VariantInfo> infos = [] {
        std::vector<VariantInfo> v;
        for (const auto &k : detail::kernel_table()) v.push_back(k.info);
        return v;
    }();
    return infos;
}

const VariantInfo *find_variant(std::string_view name) {
    for (const auto &v : catalog()) {
        if (v.name == name) return &v;
    }
    return nullptr;
}

namespace {

// Edit distance (insertions, deletions, substitutions), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// Up to three catalog names close to `name`: those it is a prefix of (a
// shape and dtype without schedule), else those within a few edits.
std::string suggestions(std::string_view name) {
    std::vector<std::pair<std::size_t, const std::string *>> near;
    for (const auto &v : catalog()) {
        const std::size_t d = v.name.starts_with(name) && !name.empty() ? 0 : edit_distance(name, v.name);
        if (d <= std::max<std::size_t>(3, name.size() / 5)) near.push_back({d, &v.name});
    }
    std::stable_sort(near.begin(), near.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::string s;
    for (std::size_t i = 0; i < near.size() && i < 3; ++i) s += (i ? ", " : "") + *near[i].second;
    return s.empty() ? "" : "; did you mean " + s + "?";
}

}  // namespace

const VariantInfo &require_variant(std::string_view name) {
    const VariantInfo *v = find_variant(name);
    if (!v) {
        throw Error("unknown kernel '" + std::string(name) + "'" + suggestions(name) +
                    " (`stencilforge list` shows the catalog)");
    }
    return *v;
}

namespace detail {
// catalog() is built from the kernel table in order, so positions match.
KernelFn kernel_for(const VariantInfo &v) { return kernel_table()[&v - catalog().data()].fn; }
}  // namespace detail

namespace {
void check_steps(const std::string &kernel, int steps) {
    if (steps < 0 || steps > kMaxSteps) {
        throw Error("kernel '" + kernel + "': steps must be in [0, " + std::to_string(kMaxSteps) + "], got " +
                    std::to_string(steps));
    }
}
}  // namespace

std::vector<PlanStage> plan_passes(std::string_view name, int steps) {
    const VariantInfo *v = &require_variant(name);
    check_steps(v->name, steps);
    // Full passes use the variant itself; what is left goes greedily to the
    // deepest variant of the same shape and dtype in the same schedule or in
    // the catalog's remainder schedule for it. Tuning candidates help only
    // candidates: a catalog variant plans the same in the tuning build.
    std::vector<const VariantInfo *> helpers;
    for (const auto &c : catalog()) {
        if (c.shape == v->shape && c.dtype == v->dtype && c.depth < v->depth &&
            (c.schedule == v->schedule || c.schedule == v->remainder) &&
            (!c.tuning_candidate || v->tuning_candidate)) {
            helpers.push_back(&c);
        }
    }
    std::stable_sort(helpers.begin(), helpers.end(),
                     [](const VariantInfo *a, const VariantInfo *b) { return a->depth > b->depth; });
    std::vector<PlanStage> plan;
    if (steps / v->depth > 0) plan.push_back({v, steps / v->depth});
    int left = steps % v->depth;
    for (const VariantInfo *h : helpers) {
        if (left >= h->depth) {
            plan.push_back({h, left / h->depth});
            left %= h->depth;
        }
    }
    if (left != 0) {
        throw Error("kernel '" + v->name + "' cannot run " + std::to_string(steps) +
                    " steps: no variant in the catalog covers the last " + std::to_string(left));
    }
    return plan;
}

std::int64_t count_passes(const std::vector<PlanStage> &plan) {
    std::int64_t n = 0;
    for (const auto &s : plan) n += s.passes;
    return n;
}

}  // namespace stencilforge
