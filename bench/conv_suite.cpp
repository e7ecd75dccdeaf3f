// The workloads behind conv_suite.h.
#include "conv_suite.h"

namespace stencilforge::bench {

const std::vector<LayerCase> &resnet50_layers() { return tuning_conv_layers(); }

const std::vector<int> &layer_batches() {
    static const std::vector<int> batches = {1, 8};
    return batches;
}

const std::vector<FilterCase> &image_filters() {
    static const std::vector<FilterCase> filters = {
        {"filter2d_3x3", 3, false}, {"filter2d_5x5", 5, false}, {"filter2d_9x9", 9, false}, {"sepfilter_9", 9, true}};
    return filters;
}

ImageSize filter_image() { return {3840, 2160, 3}; }

}  // namespace stencilforge::bench
