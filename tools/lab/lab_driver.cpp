// The schedule lab's measuring half (tools/lab/lab.py builds the kernel): loads
// a freshly generated kernel (a shared object), runs it in the catalog
// variant's place through a PreparedStencil, checks the result against the
// plain-loop reference, and times it next to the library's current variant
// and the hand-written omp baseline on the same grid, in one process.
#include "stencil_reference.h"
#include "stencilforge/stencilforge.h"

#include <CLI/CLI.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <vector>

using namespace stencilforge;

namespace {

struct Row {
    std::string what;
    double seconds;  // median of the repetitions
};

template <typename T>
int measure(const VariantInfo &v, PreparedStencil::Kernel lab, std::vector<std::int64_t> extent, int steps, int reps) {
    std::int64_t cells = 1;
    for (auto e : extent) cells *= e;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> in(cells), out(cells);
    for (auto &x : in) x = static_cast<T>(u(rng));
    const std::vector<double> c = reference::random_weights(v.num_coefficients(), 11);
    const ConstGridView in_view(in.data(), v.dtype, extent);
    const GridView out_view(out.data(), v.dtype, extent);
    Workspace ws;

    PreparedStencil tried(v.name, steps);
    std::size_t swapped = 0;
    for (std::size_t s = 0; s < tried.plan().size(); ++s) {
        if (tried.plan()[s].variant == &v) tried.set_kernel(s, lab), ++swapped;
    }
    if (swapped == 0) {
        std::fprintf(stderr, "sf_lab: %d steps never run a full pass of %s (depth %d); give --steps >= the depth\n",
                     steps, v.name.c_str(), v.depth);
        return 2;
    }
    // Correctness first: the lab kernel's result against the reference.
    tried.run(in_view, out_view, c, ws);
    const auto ref = reference::apply(in, extent[0], extent[1], v.dims == 3 ? extent[2] : 1, v.dims,
                                      v.pattern, v.radius, c, steps);
    const double err = reference::max_rel_error(out.data(), ref);
    const double tol = v.tolerance > 0 ? v.tolerance : reference::tolerance<T>();
    std::printf("check    %s against the reference: max relative error %.3g (contract %.3g): %s\n", v.name.c_str(),
                err, tol, err <= tol ? "ok" : "WRONG");
    if (!(err <= tol)) return 1;

    const auto time = [&](const PreparedStencil &p) {
        p.run(in_view, out_view, c, ws);  // warm-up: page faults, thread pool, caches
        std::vector<double> t;
        for (int r = 0; r < reps; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            p.run(in_view, out_view, c, ws);
            t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
        return t[t.size() / 2];
    };
    std::vector<Row> rows{{"lab build of " + v.name, time(tried)},
                          {"library " + v.name, time(PreparedStencil(v.name, steps))}};
    const std::string omp = v.shape + "_" + to_string(v.dtype) + "_omp_t1";
    if (find_variant(omp)) rows.push_back({"hand-written " + omp, time(PreparedStencil(omp, steps))});
    std::printf("%-44s %12s %14s %10s\n", "time (median of reps)", "seconds", "Gcell-steps/s", "vs library");
    for (const Row &r : rows) {
        std::printf("%-44s %12.5f %14.3f %9.2fx\n", r.what.c_str(), r.seconds,
                    static_cast<double>(cells) * steps / r.seconds * 1e-9, rows[1].seconds / r.seconds);
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"sf_lab: check and time a lab-built kernel in a catalog variant's place (tools/lab/lab.py runs it)"};
    std::string variant, object, grid;
    int steps = 0, reps = 5;
    app.require_subcommand(1);
    // The ISA the library's kernels use here (the CPU's, capped by
    // STENCILFORGE_CPU_ISA): the lab builds its kernel for the same one.
    auto *isa = app.add_subcommand("isa", "print the instruction set the kernels use on this machine");
    auto *run = app.add_subcommand("run", "check and time a lab-built kernel");
    run->add_option("variant", variant, "catalog variant the kernel stands in for")->required();
    run->add_option("kernel", object, "shared object holding sf_lab_kernel")->required()->check(CLI::ExistingFile);
    run->add_option("--grid", grid, "extents, x first: 4096x4096 or 256x256x128")->required();
    run->add_option("--steps", steps, "steps per run")->required()->check(CLI::Range(1, 100000));
    run->add_option("--reps", reps, "timed repetitions")->check(CLI::Range(1, 1000));
    CLI11_PARSE(app, argc, argv);
    if (isa->parsed()) {
        std::printf("%s\n", to_string(active_cpu_isa()).c_str());
        return 0;
    }
    try {
        const VariantInfo &v = require_variant(variant);
        std::vector<std::int64_t> extent;
        std::stringstream ss(grid);
        for (std::string e; std::getline(ss, e, 'x');) extent.push_back(std::stoll(e));
        if (static_cast<int>(extent.size()) != v.dims) {
            std::fprintf(stderr, "sf_lab: --grid %s has %zu extents; %s is %d-D\n", grid.c_str(), extent.size(),
                         v.name.c_str(), v.dims);
            return 2;
        }
        void *so = dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!so) {
            std::fprintf(stderr, "sf_lab: cannot load %s: %s\n", object.c_str(), dlerror());
            return 2;
        }
        auto lab = reinterpret_cast<PreparedStencil::Kernel>(dlsym(so, "sf_lab_kernel"));
        if (!lab) {
            std::fprintf(stderr, "sf_lab: %s has no sf_lab_kernel\n", object.c_str());
            return 2;
        }
        std::printf("isa      %s\n", to_string(active_cpu_isa()).c_str());
        return v.dtype == DType::f32 ? measure<float>(v, lab, extent, steps, reps)
                                     : measure<double>(v, lab, extent, steps, reps);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sf_lab: %s\n", e.what());
        return 2;
    }
}
