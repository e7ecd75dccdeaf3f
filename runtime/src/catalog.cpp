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

const VariantInfo &require_variant(std::string_view name) {
    const VariantInfo *v = find_variant(name);
    if (!v) throw Error("unknown kernel '" + std::string(name) + "' (`stencilforge list` shows the catalog)");
    return *v;
}

namespace detail {
// catalog() is built from the kernel table in order, so positions match.
KernelFn kernel_for(const VariantInfo &v) { return kernel_table()[&v - catalog().data()].fn; }
}  // namespace detail

std::vector<const VariantInfo *> plan_passes(std::string_view name, int steps) {
    const VariantInfo *v = &require_variant(name);
    if (steps < 0) throw Error("steps must be >= 0, got " + std::to_string(steps));
    // Full passes use the variant itself; what is left goes greedily to the
    // deepest variant of the same shape and dtype in the same schedule or in
    // the catalog's remainder schedule for it.
    std::vector<const VariantInfo *> helpers;
    for (const auto &c : catalog()) {
        if (c.shape == v->shape && c.dtype == v->dtype && c.depth < v->depth &&
            (c.schedule == v->schedule || c.schedule == v->remainder)) {
            helpers.push_back(&c);
        }
    }
    std::stable_sort(helpers.begin(), helpers.end(),
                     [](const VariantInfo *a, const VariantInfo *b) { return a->depth > b->depth; });
    std::vector<const VariantInfo *> plan(static_cast<std::size_t>(steps / v->depth), v);
    int left = steps % v->depth;
    for (const VariantInfo *h : helpers) {
        for (; left >= h->depth; left -= h->depth) plan.push_back(h);
    }
    if (left != 0) {
        throw Error("kernel '" + v->name + "' cannot run " + std::to_string(steps) +
                    " steps: no variant in the catalog covers the last " + std::to_string(left));
    }
    return plan;
}

}  // namespace stencilforge
