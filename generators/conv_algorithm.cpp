// The convolution algorithms (see conv_algorithm.h). Filters are correlations
// (no kernel flip), as in OpenCV's filter2D and in DNN frameworks.
#include "conv_algorithm.h"

#include <functional>

namespace stencilforge {

using namespace Halide;

Func ConvStages::stage(const std::string &name) const {
    auto found = stages.find(name);
    if (found == stages.end()) throw CompileError("this algorithm has no stage '" + name + "'");
    return found->second;
}

namespace {

// The image as a filter reads it: x and y bounded by the boundary mode, the
// channel dimension left as it is.
Func bounded_image(Func in, Expr width, Expr height, Boundary boundary, Expr value, const std::vector<Var> &v) {
    Region bounds = {{0, width}, {0, height}, Range()};
    Func b;
    switch (boundary) {
    case Boundary::zero:  // the runtime passes 0 as the constant
    case Boundary::constant: b = BoundaryConditions::constant_exterior(in, value, bounds); break;
    case Boundary::clamp: b = BoundaryConditions::repeat_edge(in, bounds); break;
    case Boundary::mirror: b = BoundaryConditions::mirror_interior(in, bounds); break;
    }
    Func input("input");
    input(v) = b(v);
    return input;
}

// A layer's input with `pad` zeros around x and y.
Func zero_padded(const LayerOperands &op, const std::vector<Var> &v) {
    Func z = BoundaryConditions::constant_exterior(op.in, 0.0f, {Range(), {0, op.width}, {0, op.height}, Range()});
    Func padded("padded");
    padded(v) = z(v);
    return padded;
}

// Restricts a layer's reduction r (ci, kx, ky) for output row y to the
// filter rows over the image, except where s.sums_every_filter_row holds:
// the padding rows add zeros (res5_3x3's 7 rows read 21 filter rows, 2 of
// them padding). Halide trims the ky loop where a tile's rows share its
// bounds (tiles of one row); in tiles of several rows the check of each row
// stays inside the reduction: checked on every image, res2_3x3 (56 rows)
// measured 0.86-0.88x with AVX-512. So only images of fewer than 16 rows
// skip the padding, where it is a larger share (res4_3x3: 2 of 42 filter
// rows). Layers of fewer than 16 input channels sum every row too: their
// kx-inner order (the schedule's, for the RGB stem) runs a few taps per
// check, and with the checks the stem measured 0.80-0.94x with AVX2 (the
// stem is also tall, 224 rows; the channel clause covers short images).
//
// The columns: each pixel of a tile has its own kx range, so a check per
// pixel would sit inside the tile; only where the schedule's tile spans the
// whole image (op.narrow_width) do the checks fold to constants. There, on
// res5_3x3 (7 x 7), the padding columns are another 2 of every 21 taps.
void skip_padding(const LayerOperands &op, RDom &r, Var x, Var y, ConvStages &s) {
    const Expr every_row = op.channels_in < 16 || op.height >= 16;
    const Expr in_y = y * op.stride + r.z - op.pad;
    Expr taps = every_row || (in_y >= 0 && in_y < op.height);
    s.sums_every_filter_row = every_row;
    if (op.narrow_width > 0 && op.stride == 1) {
        // An inequality, so that a specialization on it bounds the width
        // and folds both the check and every narrow-only specialization.
        s.sums_every_filter_column = op.width > op.narrow_width;
        s.narrow_3x3 = op.width == op.narrow_width && op.k == 3 && op.pad == 1;
        const Expr in_x = x * op.stride + r.y - op.pad;
        taps = taps && (s.sums_every_filter_column || (in_x >= 0 && in_x < op.width));
    }
    r.where(taps);
}

std::vector<Var> layer_vars() { return {Var("c"), Var("x"), Var("y"), Var("n")}; }

Expr apply_relu(const LayerOperands &op, Expr e) { return select(op.relu, max(e, 0.0f), e); }

// Winograd's constant matrices (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): input transform B^T, filter
// transform G, output transform A^T, for F(2x2,3x3) and F(4x4,3x3).
using Matrix = std::vector<std::vector<double>>;
struct WinogradMatrices {
    Matrix BT, G, AT;
};
WinogradMatrices winograd_matrices(int m) {
    if (m == 2) {
        return {{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
                {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
                {{1, 1, 1, 0}, {0, 1, -1, -1}}};
    }
    if (m == 4) {
        return {{{4, 0, -5, 0, 1, 0},
                 {0, -4, -4, 1, 1, 0},
                 {0, 4, -4, -1, 1, 0},
                 {0, -2, -1, 2, 1, 0},
                 {0, 2, -1, -2, 1, 0},
                 {0, 4, 0, -5, 0, 1}},
                {{1.0 / 4, 0, 0},
                 {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                 {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                 {1.0 / 24, 1.0 / 12, 1.0 / 6},
                 {1.0 / 24, -1.0 / 12, 1.0 / 6},
                 {0, 0, 1}},
                {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}};
    }
    throw CompileError("Winograd F(m x m, 3 x 3) is built for m = 2 and 4, not " + std::to_string(m));
}

// Row `row` of A times the vector elem(0..): sum_a A[row][a] * elem(a), with
// the zero terms left out. `row` is an Expr: a select over the rows, which
// folds to one row's sum once a schedule unrolls the loop over it.
Expr combine(const Matrix &A, Expr row, Type t, const std::function<Expr(int)> &elem) {
    auto row_sum = [&](size_t i) {
        Expr s;
        for (size_t a = 0; a < A[i].size(); ++a) {
            const double c = A[i][a];
            if (c == 0) continue;
            Expr e = elem(static_cast<int>(a));
            Expr term = c == 1 ? e : c == -1 ? -e : Internal::make_const(t, c) * e;
            s = s.defined() ? s + term : term;
        }
        return s.defined() ? s : Internal::make_zero(t);
    };
    Expr result = row_sum(A.size() - 1);
    for (int i = static_cast<int>(A.size()) - 2; i >= 0; --i) result = select(row == i, row_sum(i), result);
    return result;
}

}  // namespace

ConvStages filter2d(Func in, Expr width, Expr height, Boundary boundary, Expr value, Func kernel, Expr k) {
    ConvStages s;
    s.vars = {Var("x"), Var("y"), Var("c")};
    Var x = s.vars[0], y = s.vars[1], c = s.vars[2];
    s.input = bounded_image(in, width, height, boundary, value, s.vars);
    s.r = RDom(0, k, 0, k, "r");
    Expr radius = k / 2;
    s.acc = Func("acc");
    s.acc(x, y, c) = 0.0f;
    s.acc(x, y, c) += kernel(s.r.x, s.r.y) * s.input(x + s.r.x - radius, y + s.r.y - radius, c);
    s.output = Func("filtered");
    s.output(x, y, c) = s.acc(x, y, c);
    return s;
}

ConvStages sepfilter(Func in, Expr width, Expr height, Boundary boundary, Expr value, Func row, Expr k_row,
                     Func col, Expr k_col) {
    ConvStages s;
    s.vars = {Var("x"), Var("y"), Var("c")};
    Var x = s.vars[0], y = s.vars[1], c = s.vars[2];
    s.input = bounded_image(in, width, height, boundary, value, s.vars);
    RDom rx(0, k_row, "rx");
    Func rows("rows");
    rows(x, y, c) = 0.0f;
    rows(x, y, c) += row(rx) * s.input(x + rx - k_row / 2, y, c);
    s.stages["rows"] = rows;
    s.r = RDom(0, k_col, "ry");
    s.acc = Func("acc");
    s.acc(x, y, c) = 0.0f;
    s.acc(x, y, c) += col(s.r.x) * rows(x, y + s.r.x - k_col / 2, c);
    s.output = Func("filtered");
    s.output(x, y, c) = s.acc(x, y, c);
    return s;
}

ConvStages conv_direct(const LayerOperands &op) {
    ConvStages s;
    s.vars = layer_vars();
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    s.input = zero_padded(op, s.vars);
    s.r = RDom(0, op.channels_in, 0, op.k, 0, op.k, "r");  // ci, kx, ky
    skip_padding(op, s.r, x, y, s);
    s.acc = Func("acc");
    s.acc(c, x, y, n) = op.bias(c);
    s.acc(c, x, y, n) += op.weights(c, s.r.x, s.r.y, s.r.z) *
                         s.input(s.r.x, x * op.stride + s.r.y - op.pad, y * op.stride + s.r.z - op.pad, n);
    s.output = Func("conv");
    s.output(c, x, y, n) = apply_relu(op, s.acc(c, x, y, n));
    return s;
}

ConvStages conv_im2col_gemm(const LayerOperands &op) {
    ConvStages s;
    s.vars = layer_vars();
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    s.input = zero_padded(op, s.vars);
    // The lowering: row (x, y, n) of the im2col matrix holds the K*K*C_in
    // inputs under output pixel (x, y, n), ci fastest then kx then ky, which
    // is the weight matrix's row order (HWIO).
    Var ci("ci"), kx("kx"), ky("ky");
    Func col("col");
    col(ci, kx, ky, x, y, n) = s.input(ci, x * op.stride + kx - op.pad, y * op.stride + ky - op.pad, n);
    s.stages["col"] = col;
    // The matrix product: out[pixel][co] = sum_k col[pixel][k] * W[k][co].
    s.r = RDom(0, op.channels_in, 0, op.k, 0, op.k, "r");
    skip_padding(op, s.r, x, y, s);
    s.acc = Func("acc");
    s.acc(c, x, y, n) = op.bias(c);
    s.acc(c, x, y, n) += op.weights(c, s.r.x, s.r.y, s.r.z) * col(s.r.x, s.r.y, s.r.z, x, y, n);
    s.output = Func("conv");
    s.output(c, x, y, n) = apply_relu(op, s.acc(c, x, y, n));
    return s;
}

ConvStages conv_winograd(const LayerOperands &op, int m) {
    if (op.stride != 1) throw CompileError("Winograd F(m x m, 3 x 3) is for stride 1 only");
    const WinogradMatrices w = winograd_matrices(m);
    ConvStages s;
    s.tile = m;
    s.vars = layer_vars();
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    Var ci("ci"), i("i"), j("j"), a("a"), b("b"), p("p"), tx("tx"), ty("ty");
    s.input = zero_padded(op, s.vars);

    // Input transform V = B^T d B per (ci, tile): tile (tx, ty) reads the
    // (m+2) x (m+2) inputs from (tx*m - pad, ty*m - pad).
    Func Vx("Vx"), V("V");
    Vx(ci, i, b, tx, ty, n) = combine(w.BT, i, Float(32), [&](int k) {
        return s.input(ci, tx * m + k - op.pad, ty * m + b - op.pad, n);
    });
    V(ci, i, j, tx, ty, n) = combine(w.BT, j, Float(32), [&](int k) { return Vx(ci, i, k, tx, ty, n); });

    // The (m+2)^2 channel GEMMs: M[i][j] = U[i][j] (C_out x C_in) . V[i][j] (C_in x tiles).
    s.r = RDom(0, op.channels_in, "rc");
    s.acc = Func("M");
    s.acc(c, i, j, tx, ty, n) = 0.0f;
    s.acc(c, i, j, tx, ty, n) += op.weights(c, s.r, i, j) * V(s.r, i, j, tx, ty, n);

    // Output transform Y = A^T M A, then bias and ReLU.
    Func Yx("Yx");
    Yx(c, p, j, tx, ty, n) = combine(w.AT, p, Float(32), [&](int k) { return s.acc(c, k, j, tx, ty, n); });
    Expr y_tile = combine(w.AT, y % m, Float(32), [&](int k) { return Yx(c, x % m, k, x / m, y / m, n); });
    s.output = Func("conv");
    s.output(c, x, y, n) = apply_relu(op, op.bias(c) + y_tile);
    s.stages = {{"Vx", Vx}, {"V", V}, {"Yx", Yx}};
    return s;
}

ConvStages winograd_filter_transform(Func weights, Expr c_out, int m) {
    const WinogradMatrices w = winograd_matrices(m);
    ConvStages s;
    s.tile = m;
    Var c("c"), ci("ci"), i("i"), j("j"), b("b");
    s.vars = {c, ci, i, j};
    // In f64, rounded once at the end: F(4x4)'s G has thirds and sixths,
    // inexact in f32. Output channels past C_out are zero filters, so the
    // layer may round its channel loop up to whole register tiles.
    Func wz = BoundaryConditions::constant_exterior(weights, 0.0f, {{0, c_out}, Range(), Range(), Range()});
    Func Ux("Ux");
    Ux(c, ci, i, b) = combine(w.G, i, Float(64), [&](int k) { return cast<double>(wz(c, ci, k, b)); });
    s.output = Func("U");
    s.output(c, ci, i, j) = cast<float>(combine(w.G, j, Float(64), [&](int k) { return Ux(c, ci, i, k); }));
    s.stages = {{"Ux", Ux}};
    return s;
}

ConvStages depthwise3x3(const LayerOperands &op) {
    ConvStages s;
    s.vars = layer_vars();
    Var c = s.vars[0], x = s.vars[1], y = s.vars[2], n = s.vars[3];
    s.input = zero_padded(op, s.vars);
    s.r = RDom(0, 3, 0, 3, "r");
    s.acc = Func("acc");
    s.acc(c, x, y, n) = op.bias(c);
    s.acc(c, x, y, n) += op.weights(c, s.r.x, s.r.y) *
                         s.input(c, x * op.stride + s.r.x - op.pad, y * op.stride + s.r.y - op.pad, n);
    s.output = Func("conv");
    s.output(c, x, y, n) = apply_relu(op, s.acc(c, x, y, n));
    return s;
}

}  // namespace stencilforge
