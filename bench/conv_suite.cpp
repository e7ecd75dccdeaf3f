// The workloads behind conv_suite.h.
#include "conv_suite.h"
#include "stencilforge/tuning.h"

namespace stencilforge::bench {

const std::vector<LayerCase> &resnet50_layers() {
    // The layers `stencilforge tune` times (tuning.h), so the conv auto pick
    // was measured on the benchmark's own set.
    static const std::vector<LayerCase> layers = [] {
        std::vector<LayerCase> v;
        for (const auto &c : tuning_conv_layers()) v.push_back({c.name, c.height, c.width, c.c_in, c.c_out, c.kernel, c.stride, c.pad});
        return v;
    }();
    return layers;
}

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
