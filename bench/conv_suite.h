// The convolution benchmark's workloads: the ResNet-50 convolution layers and
// the image filters on a 4K RGB image (the sets issue 3 names), in one place
// for the benchmark and the report.
#pragma once

#include "stencilforge/tuning.h"

#include <string>
#include <vector>

namespace stencilforge::bench {

// A layer: the type `stencilforge tune` times (tuning.h), so the conv auto
// pick is measured on the benchmark's own set.
using LayerCase = ConvTuningCase;
const std::vector<LayerCase> &resnet50_layers();
const std::vector<int> &layer_batches();  // 1 and 8

struct FilterCase {
    std::string name;  // e.g. filter2d_5x5, sepfilter_9
    int k;
    bool separable;
};
const std::vector<FilterCase> &image_filters();
struct ImageSize {
    int width, height, channels;
};
ImageSize filter_image();  // 3840 x 2160 x 3

}  // namespace stencilforge::bench
