// Stencils as matrix products (the layout transform of the tensor-core
// stencils, after the banded-matrix formulations of ConvStencil and
// TCStencil). Along x, one row of a stencil is a 1D convolution, and a 1D
// convolution of a tile is a product with a banded matrix: for an output
// tile of M rows x N columns starting at (x0, y0),
//
//     out[i][c] = sum over (dz, dy) of  sum_j  A_(dz,dy)[i][j] * B_(dz,dy)[j][c]
//     A_(dz,dy)[i][j] = in(x0 - r + j, y0 + i + dy, z + dz)      (M x K, K >= N + 2r)
//     B_(dz,dy)[j][c] = w(dx = j - c - r, dy, dz), zero off the band
//
// so each (dz, dy) row of the stencil is one M x K by K x N matrix product.
// Plain C++ (host and device), so the CPU tests check the transform itself.
#pragma once

#include "host_device.h"

#include "stencilforge/shape.h"

namespace stencilforge::tensorcore {

// The (dz, dy) rows of a stencil, in the order the matrices are numbered.
SF_HOST_DEVICE constexpr int band_rows(int radius, int dims) {
    return dims == 3 ? (2 * radius + 1) * (2 * radius + 1) : 2 * radius + 1;
}
SF_HOST_DEVICE constexpr int band_dy(int row, int radius) { return row % (2 * radius + 1) - radius; }
SF_HOST_DEVICE constexpr int band_dz(int row, int radius, int dims) {
    return dims == 3 ? row / (2 * radius + 1) - radius : 0;
}

// The coefficient index of offset (dx, dy, dz), or -1 when the stencil has no such tap.
SF_HOST_DEVICE constexpr int tap_index(Pattern pattern, int radius, int dims, int dx, int dy, int dz) {
    for (int j = 0; j < stencil_size(pattern, radius, dims); ++j) {
        const Offset o = stencil_offset(pattern, radius, dims, j);
        if (o.dx == dx && o.dy == dy && o.dz == dz) return j;
    }
    return -1;
}

// B_(row)[j][c]: the weight that input column j contributes to output column c.
template <typename T>
SF_HOST_DEVICE T band_value(const T *coeffs, Pattern pattern, int radius, int dims, int row, int j, int c) {
    const int dx = j - c - radius;
    if (dx < -radius || dx > radius) return T(0);
    const int t = tap_index(pattern, radius, dims, dx, band_dy(row, radius), band_dz(row, radius, dims));
    return t < 0 ? T(0) : coeffs[t];
}

}  // namespace stencilforge::tensorcore
