// Smallest useful app: a 2D heat-equation smoother on a 200x100 grid, 10 steps
// of star2d1r_f32_temporal_t4, and a 3x3 box blur of the result through the
// convolution API, each checked against a few plain loops so the example
// fails loudly if the installed library misbehaves.
#include <stencilforge/stencilforge.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

int main() {
    const int nx = 200, ny = 100, steps = 10;
    stencilforge::Grid<float> in({nx, ny}), out({nx, ny});
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) in[x + nx * y] = (x == 0 || y == 0) ? 1.0f : 0.0f;  // hot edges

    // Coefficient order for a 2D star: (0,-1), (-1,0), (0,0), (1,0), (0,1)  [dx,dy].
    const std::vector<double> heat = {0.2, 0.2, 0.2, 0.2, 0.2};
    stencilforge::run("star2d1r_f32_temporal_t4", in.view(), out.view(), steps, heat);

    std::vector<float> a(in.data(), in.data() + nx * ny), b(a);
    for (int s = 0; s < steps; ++s, a.swap(b))
        for (int y = 1; y < ny - 1; ++y)
            for (int x = 1; x < nx - 1; ++x)
                b[x + nx * y] = 0.2f * (a[x + nx * (y - 1)] + a[x - 1 + nx * y] + a[x + nx * y] +
                                        a[x + 1 + nx * y] + a[x + nx * (y + 1)]);
    double err = 0;
    for (int i = 0; i < nx * ny; ++i) err = std::fmax(err, std::fabs(a[i] - out[i]));
    std::printf("consumer: %d steps of star2d1r_f32_temporal_t4 on %dx%d, max |error| = %.2e\n", steps, nx, ny, err);

    // The same 10 steps as a time loop of 5 x 2 steps through a prepared handle
    // (variant and pass plan resolved once, scratch grids reused): same answer.
    const stencilforge::PreparedStencil two_steps("star2d1r_f32_temporal_t4", 2);
    stencilforge::Workspace scratch;
    stencilforge::Grid<float> u({nx, ny}), v({nx, ny});
    std::copy(in.data(), in.data() + nx * ny, u.data());
    for (int t = 0; t < steps / 2; ++t) two_steps.run(u.view(), v.view(), heat, scratch), std::swap(u, v);
    double loop_err = 0;
    for (int i = 0; i < nx * ny; ++i) loop_err = std::fmax(loop_err, std::fabs(a[i] - u[i]));
    std::printf("consumer: the same steps through PreparedStencil (plan: %zu stage), max |error| = %.2e\n",
                two_steps.plan().size(), loop_err);

    // A 3x3 box blur with the clamp boundary (a rank-1 filter: the library
    // runs it separably and says so).
    const std::vector<float> box(9, 1.0f / 9);
    std::vector<float> blurred(nx * ny);
    const std::string ran = stencilforge::filter2d({out.data(), nx, ny, 1}, box, {blurred.data(), nx, ny, 1});
    double blur_err = 0;
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
            double sum = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx)
                    sum += out[std::clamp(x + dx, 0, nx - 1) + nx * std::clamp(y + dy, 0, ny - 1)] / 9.0;
            blur_err = std::fmax(blur_err, std::fabs(sum - blurred[x + nx * y]));
        }
    std::printf("consumer: 3x3 box blur ran as %s, max |error| = %.2e\n", ran.c_str(), blur_err);
    return err < 1e-5 && loop_err < 1e-5 && blur_err < 1e-5 ? 0 : 1;
}
