// `naive` for every convolution algorithm: no schedule at all (serial, scalar,
// Halide's defaults), the speed a direct transcription of the math gets.
#include "conv_schedule.h"

namespace stencilforge::schedules {

static void conv_naive(ConvContext &) {}

SF_REGISTER_CONV_SCHEDULE(any, naive, conv_naive);

}  // namespace stencilforge::schedules
