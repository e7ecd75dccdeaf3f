// The workloads behind conv_suite.h.
#include "conv_suite.h"

namespace stencilforge::bench {

const std::vector<LayerCase> &resnet50_layers() {
    // ResNet-50's distinct convolutions at 224 x 224 input: the stem, the
    // bottleneck 3x3 of each stage, the 1x1 reduce/expand of each stage and a
    // stride-2 projection (the shortcut of the first block of stage 3).
    static const std::vector<LayerCase> layers = {
        {"conv1_7x7_s2", 224, 224, 3, 64, 7, 2, 3},
        {"res2_3x3", 56, 56, 64, 64, 3, 1, 1},
        {"res3_3x3", 28, 28, 128, 128, 3, 1, 1},
        {"res4_3x3", 14, 14, 256, 256, 3, 1, 1},
        {"res5_3x3", 7, 7, 512, 512, 3, 1, 1},
        {"res2_1x1_reduce", 56, 56, 256, 64, 1, 1, 0},
        {"res2_1x1_expand", 56, 56, 64, 256, 1, 1, 0},
        {"res3_1x1_reduce", 28, 28, 512, 128, 1, 1, 0},
        {"res3_1x1_expand", 28, 28, 128, 512, 1, 1, 0},
        {"res4_1x1_reduce", 14, 14, 1024, 256, 1, 1, 0},
        {"res4_1x1_expand", 14, 14, 256, 1024, 1, 1, 0},
        {"res5_1x1_reduce", 7, 7, 2048, 512, 1, 1, 0},
        {"res5_1x1_expand", 7, 7, 512, 2048, 1, 1, 0},
        {"res3_proj_1x1_s2", 56, 56, 256, 512, 1, 2, 0},
    };
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
