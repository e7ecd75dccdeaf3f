// libFuzzer harness for the command line's argument and grid path: the input
// is "<arguments>\0<input file bytes>"; in the arguments @IN and @OUT stand
// for the input file and an existing output file. Whatever happens, the
// command must return (SIGALRM interrupts long runs after a second), and when
// it fails the output file must be unchanged and nothing left beside it.
#include "cli/cli.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const fs::path &work_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("sf_cli_fuzz_" + std::to_string(::getpid()));
        fs::create_directories(d);
        // A fuzzed `tune` that finishes writes its record here, never into the
        // user's cache, and outside the folder whose entries are counted.
        const std::string record = (fs::temp_directory_path() / ("sf_cli_fuzz_record_" + std::to_string(::getpid()) +
                                                                 ".json")).string();
        ::setenv("STENCILFORGE_TUNING_RECORD", record.c_str(), 1);
        return d;
    }();
    return dir;
}

std::size_t entries() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(work_dir())) ++n;
    return n;
}

extern "C" void on_alarm(int) { stencilforge::cli::interrupt_flag().store(true); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string all(reinterpret_cast<const char *>(data), size);
    const std::size_t split = all.find('\0');
    if (split == std::string::npos) return 0;
    const fs::path in = work_dir() / "in.npy", out = work_dir() / "out.npy";
    { std::ofstream(in, std::ios::binary) << all.substr(split + 1); }
    { std::ofstream(out) << "sentinel"; }
    std::vector<std::string> args;
    std::istringstream words(all.substr(0, split));
    for (std::string w; words >> w && args.size() < 32;) {
        args.push_back(w == "@IN" ? in.string() : w == "@OUT" ? out.string() : w);
    }
    const std::size_t before = entries();
    std::signal(SIGALRM, on_alarm);
    stencilforge::cli::interrupt_flag().store(false);
    alarm(1);
    std::ostringstream sink_out, sink_err;
    const int rc = stencilforge::cli::main(args, sink_out, sink_err);
    alarm(0);
    if (entries() != before) __builtin_trap();  // a leftover temporary file
    if (rc != 0) {
        std::ifstream f(out);
        std::string content;
        f >> content;
        if (content != "sentinel") __builtin_trap();  // a failed run changed the output
    }
    return 0;
}
