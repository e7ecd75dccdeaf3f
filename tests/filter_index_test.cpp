// The hand-written CUDA filter's index math on the CPU (filter_index.h is
// plain C++ on both sides): every cell the `smem` loader stages, on every
// block of small and awkward images, is read from inside the image, and every
// cell an output reads is the true reflect-101 / clamp of its coordinate.
// (The loader once reflected only once: a 5x4 image with K = 3 read element
// -34, a 33x9 image with K = 15 element -204.)
#include "filter_index.h"

#include <gtest/gtest.h>

namespace {

using namespace stencilforge::handwritten::cuda;

// Reflect-101 by its definition: bounce off the edges until inside.
int reflect_by_definition(int x, int n) {
    if (n == 1) return 0;
    while (x < 0 || x >= n) x = x < 0 ? -x : 2 * (n - 1) - x;
    return x;
}

template <typename Index, typename Truth>
void walk_loader(Index index, Truth truth, bool mirror) {
    for (int k = 1; k <= 15; k += 2) {
        const int r = k / 2, tw = kFilterBlockX + k - 1, th = kFilterBlockY + k - 1;
        for (int w = 1; w <= 70; ++w) {
            for (int h = 1; h <= 20; ++h) {
                if (mirror && (w <= r || h <= r)) continue;  // refused by the API
                for (int by = 0; by * kFilterBlockY < h; ++by) {
                    for (int bx = 0; bx * kFilterBlockX < w; ++bx) {
                        const int x0 = bx * kFilterBlockX, y0 = by * kFilterBlockY;
                        for (int i = 0; i < tw * th; ++i) {
                            const int x = x0 - r + i % tw, y = y0 - r + i / tw;
                            const int ix = index(x, w), iy = index(y, h);
                            ASSERT_TRUE(ix >= 0 && ix < w && iy >= 0 && iy < h)
                                << w << "x" << h << " K=" << k << " block " << bx << "," << by << " cell (" << x
                                << "," << y << ") -> (" << ix << "," << iy << ")";
                            // Cells within a tap of an output pixel must be exact.
                            if (x >= -r && x < w + r && y >= -r && y < h + r) {
                                ASSERT_EQ(ix, truth(x, w)) << w << "x" << h << " K=" << k << " x=" << x;
                                ASSERT_EQ(iy, truth(y, h)) << w << "x" << h << " K=" << k << " y=" << y;
                            }
                        }
                    }
                }
            }
        }
    }
}

TEST(FilterIndex, MirrorLoaderStaysInsideAndIsExactWhereRead) {
    walk_loader(reflect101, reflect_by_definition, true);
}

TEST(FilterIndex, ClampLoaderStaysInsideAndIsExactWhereRead) {
    walk_loader(clamp_to_edge, [](int x, int n) { return x < 0 ? 0 : x >= n ? n - 1 : x; }, false);
}

}  // namespace
