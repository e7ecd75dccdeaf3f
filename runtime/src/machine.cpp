// The machine profile behind the auto pick: CPU identity and caches from the
// OS, roofs measured quickly (smaller arrays and fewer trials than the
// benchmark's: the model ranks variants, it does not report a roofline).
#include "stencilforge/machine.h"
#include "stencilforge/roofline.h"
#include "stencilforge/tuning.h"
#include "tuning_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

namespace stencilforge {

std::string cpu_identity() {
    static const std::string id = [] {
        std::ifstream f("/proc/cpuinfo");
        std::string line, name, family, model;
        while (std::getline(f, line) && !line.empty()) {
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string key = line.substr(0, colon), value = line.substr(std::min(colon + 2, line.size()));
            key.erase(key.find_last_not_of(" \t") + 1);
            if (key == "model name") name = value;
            if (key == "cpu family") family = value;
            if (key == "model") model = value;
        }
        if (name.empty()) name = "unknown CPU";
        return name + " (family " + (family.empty() ? "?" : family) + " model " + (model.empty() ? "?" : model) + ")";
    }();
    return id;
}

namespace {
// The kernel's view (what lscpu prints): sysfs cache `index` of CPU 0, as
// "32768K". glibc's sysconf() reads cpuid, which a VM may pass through from
// the host unchanged (a 384 MiB L3 on a guest that owns 32 MiB of it).
std::int64_t sysfs_cache(int level) {
    for (int index = 0; index < 8; ++index) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
        std::ifstream lv(dir + "level"), type(dir + "type"), size(dir + "size");
        int l = 0;
        std::string t, s;
        if (!(lv >> l) || !(type >> t) || !(size >> s)) return 0;
        if (l != level || t == "Instruction") continue;
        std::int64_t n = 0;
        std::size_t i = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) n = n * 10 + (s[i++] - '0');
        const char unit = i < s.size() ? s[i] : 'B';
        return unit == 'K' ? n << 10 : unit == 'M' ? n << 20 : unit == 'G' ? n << 30 : n;
    }
    return 0;
}

// Each of the DRAM measurement's arrays: 4x the LLC, at least 128 MiB (at
// 2x a copy still hit cache on a 32 MiB-LLC guest of a 384 MiB-L3 host: 99
// GB/s against 44 measured over 512 MiB).
std::size_t dram_array_bytes(std::int64_t llc) {
    return static_cast<std::size_t>(std::max<std::int64_t>(llc * 4, 128 << 20));
}

std::int64_t cache_or(int level, int name, std::int64_t fallback) {
    if (const std::int64_t s = sysfs_cache(level); s > 0) return s;
    const long v = ::sysconf(name);
    return v > 0 ? v : fallback;
}
}  // namespace

std::int64_t l2_cache_bytes() { return cache_or(2, _SC_LEVEL2_CACHE_SIZE, std::int64_t{1} << 20); }
std::int64_t llc_bytes() {
    const std::int64_t l3 = cache_or(3, _SC_LEVEL3_CACHE_SIZE, 0);
    return l3 > 0 ? l3 : l2_cache_bytes() * std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
}

const MachineProfile &machine_profile() {
    static std::mutex mutex;
    static std::map<int, std::unique_ptr<MachineProfile>> by_threads;
    std::lock_guard lock(mutex);
    auto &p = by_threads[num_threads()];
    if (!p) {
        const std::int64_t llc = llc_bytes();
        // This machine's tuning record measured them already: the cached
        // record the picks read (one read and parse per file change).
        try {
            const auto cached = detail::cached_tuning_record();
            if (const auto &r = cached->record) {
                p = std::make_unique<MachineProfile>(MachineProfile{
                    cpu_identity(), active_cpu_isa(), num_threads(), l2_cache_bytes(), llc, r->dram_copy_bytes_per_s,
                    r->dram_streaming_copy_bytes_per_s, r->llc_copy_bytes_per_s, r->fma_f32_flops, r->fma_f64_flops, "from " + cached->path});
                return *p;
            }
        } catch (const std::exception &) {
            // A malformed record is reported by the pick that reads it; measure here.
        }
        const auto dram = measure_bandwidth(dram_array_bytes(llc), 2);
        // The LLC's arrays: 1/8 of it.
        const auto cached = measure_bandwidth(static_cast<std::size_t>(std::max<std::int64_t>(llc / 8, 256 << 10)), 5);
        const auto fma = measure_fma_peak(active_cpu_isa() == CpuIsa::avx512, 2);
        p = std::make_unique<MachineProfile>(MachineProfile{cpu_identity(), active_cpu_isa(), num_threads(),
                                                            l2_cache_bytes(), llc, dram.copy(), dram.streaming_copy(),
                                                            cached.copy(), fma.f32_flops, fma.f64_flops, "measured"});
    }
    return *p;
}

double dram_streaming_copy_bytes_per_s() {
    const MachineProfile &m = machine_profile();
    if (m.dram_streaming_copy_bytes_per_s > 0) return m.dram_streaming_copy_bytes_per_s;
    static std::mutex mutex;
    static std::map<int, double> by_threads;
    std::lock_guard lock(mutex);
    double &rate = by_threads[m.threads];
    if (!(rate > 0)) rate = measure_bandwidth(dram_array_bytes(m.llc_bytes), 2).streaming_copy();
    return rate;
}

}  // namespace stencilforge
