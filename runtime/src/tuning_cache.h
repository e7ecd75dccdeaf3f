// Internal: this machine's tuning record, read once and again only when the
// file (path, size, mtime) or the key (a set_num_threads() since) changes, so
// the stencil and convolution picks do not parse JSON per call.
#pragma once

#include "stencilforge/tuning.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace stencilforge::detail {

struct CachedRecord {
    std::string path, message;  // message: why there is no record (absent, another key)
    std::filesystem::file_time_type mtime{};
    std::uintmax_t size = 0;
    TuningKey key;
    std::optional<TuningRecord> record;
};

// Shared and immutable: a pick keeps the one it read while another thread may
// replace the cached one. A malformed file throws Error naming it.
std::shared_ptr<const CachedRecord> cached_tuning_record();

}  // namespace stencilforge::detail
