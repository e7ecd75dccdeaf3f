// How a filter reads outside the image: the one Boundary enum, shared by the
// runtime API (conv.h), the generators (conv_algorithm.h) and the hand-written
// filters, so a mode means the same thing in every layer.
#pragma once

namespace stencilforge {

// zero (the constant mode with value 0), a constant value, the nearest edge
// pixel (clamp), or a reflection that does not repeat the edge pixel (mirror:
// dcb|abcd|cba, OpenCV's BORDER_REFLECT_101). The catalog builds constant,
// clamp and mirror variants; zero runs the constant variant with 0.
enum class Boundary { zero, constant, clamp, mirror };

}  // namespace stencilforge
