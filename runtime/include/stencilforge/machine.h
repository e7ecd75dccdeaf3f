// What the auto pick knows about this machine: its identity (the key of a
// tuning record), its caches (from the OS) and its roofs (measured once per
// process and thread count, about 0.1 s, unless a tuning record holds them).
#pragma once

#include "stencilforge/cpu.h"

#include <cstdint>
#include <string>

namespace stencilforge {

struct MachineProfile {
    std::string cpu;              // "AMD EPYC (family 26 model 2)": the CPU model, from /proc/cpuinfo
    CpuIsa isa;                   // the ISA the kernels use (active_cpu_isa())
    int threads;                  // num_threads()
    std::int64_t l2_bytes;        // per core
    std::int64_t llc_bytes;       // the last-level cache, all cores
    double dram_copy_bytes_per_s; // copy (read one array, write one) on arrays far beyond the LLC
    // The same copy with streaming stores (Bandwidth::streaming_copy): the
    // DRAM roof of kernels whose catalog rows say "stores": "nontemporal".
    // 0 where a tuning record from before it was kept lacks it: read it
    // through dram_streaming_copy_bytes_per_s(), which measures it then.
    double dram_streaming_copy_bytes_per_s;
    double llc_copy_bytes_per_s;  // the same on arrays that fit the LLC
    double fma_f32_flops, fma_f64_flops;
    std::string roofs_from;       // "measured" or the tuning record's path
};

// The CPU identity and caches only (no measurement).
std::string cpu_identity();
std::int64_t l2_cache_bytes();
std::int64_t llc_bytes();

// This machine now: roofs measured on first use for the current thread count.
const MachineProfile &machine_profile();

// machine_profile()'s streaming copy, measured once per thread count where
// the profile came from a record without it (about 0.5 s: only the callers
// that hold kernels to it pay).
double dram_streaming_copy_bytes_per_s();

}  // namespace stencilforge
