// Smallest useful app: a 2D heat-equation smoother on a 200x100 grid, 10 steps
// of star2d1r_f32_temporal_t4, checked against a 4-line loop so the example
// fails loudly if the installed library misbehaves.
#include <stencilforge/stencilforge.h>

#include <cmath>
#include <cstdio>
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
    return err < 1e-5 ? 0 : 1;
}
