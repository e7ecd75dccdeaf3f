// The distributed benchmark (run under mpiexec by tools/bench_distributed.sh):
// each case is a variant and a period (steps between halo exchanges) on one
// global grid; it reports the median over repetitions of the slowest rank's
// wall time as cell-steps/s, with the fraction of that time spent waiting on
// exchanges and the messages and bytes each rank sent. `--single` times the
// plain one-process run instead (the baseline a decomposition must match).
// A hand-written timing loop, not Google Benchmark: the time that counts is
// a collective one (the slowest rank's, after a barrier).
#include "stencilforge/distributed.h"
#include "stencilforge/stencilforge.h"

#include "cli/run_input.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace sf = stencilforge;
namespace sd = stencilforge::distributed;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// "--case variant[:period]": the period a whole number from 0 (0: the
// variant's depth) to 4096.
std::pair<std::string, int> parse_case(const std::string &text) {
    const std::size_t colon = text.find(':');
    const std::string variant = text.substr(0, colon);
    if (variant.empty()) throw sf::Error("--case '" + text + "' names no variant");
    if (colon == std::string::npos) return {variant, 0};
    int period = -1;
    const char *first = text.data() + colon + 1, *last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, period);
    if (ec != std::errc() || ptr != last || period < 0 || period > 4096) {
        throw sf::Error("--case '" + text + "': the period after ':' must be a whole number from 0 to 4096");
    }
    return {variant, period};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Round trips of `bytes` between ranks 0 and 1: half a round trip, seconds.
double ping_pong(std::size_t bytes, int reps) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    std::vector<char> buf(std::max<std::size_t>(bytes, 1));
    MPI_Barrier(MPI_COMM_WORLD);
    const double t = now();
    for (int i = 0; i < reps; ++i) {
        if (rank == 0) {
            MPI_Send(buf.data(), static_cast<int>(bytes), MPI_CHAR, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(buf.data(), static_cast<int>(bytes), MPI_CHAR, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
            MPI_Recv(buf.data(), static_cast<int>(bytes), MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf.data(), static_cast<int>(bytes), MPI_CHAR, 0, 0, MPI_COMM_WORLD);
        }
    }
    return (now() - t) / (2.0 * reps);
}

}  // namespace

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CLI::App app{"stencilforge distributed benchmark"};
    std::string grid_text = "8192x8192", out_path, label;
    std::vector<std::string> cases;
    int steps = 64, reps = 3, threads = 1;
    bool single = false, no_overlap = false, pingpong = false;
    app.add_option("--grid", grid_text, "Global grid, x first");
    app.add_option("--steps", steps, "Steps per timed run")->check(CLI::Range(1, 1 << 20));
    app.add_option("--reps", reps, "Timed repetitions (the median counts)")->check(CLI::Range(1, 10000));
    app.add_option("--threads", threads, "Threads per rank")->check(CLI::Range(1, 1024));
    app.add_option("--case", cases, "variant[:period] (period 0: the variant's depth)")->required();
    app.add_flag("--single", single, "Time the one-process run (no decomposition); one rank only");
    app.add_flag("--no-overlap", no_overlap, "Exchange, then update the whole block");
    app.add_flag("--ping-pong", pingpong, "Also measure the point-to-point latency and bandwidth (2+ ranks)");
    app.add_option("--json", out_path, "Append one JSON line per case here (rank 0)");
    app.add_option("--label", label, "A label for the rows (the configuration)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int rc = rank == 0 ? app.exit(e) : 1;
        MPI_Finalize();
        return rc;
    }
    int status = 0;
    try {
        // The CLI's strict parsers: a malformed grid or period is an error
        // naming the option, on every rank, before any rank allocates.
        const std::vector<std::int64_t> extent = sf::cli::parse_grid(grid_text);
        std::vector<std::pair<std::string, int>> runs;
        for (const std::string &c : cases) runs.push_back(parse_case(c));
        sf::set_num_threads(threads);
        std::ofstream json;
        if (rank == 0 && !out_path.empty()) {
            json.open(out_path, std::ios::app);
            if (!json) throw sf::Error("--json '" + out_path + "' cannot be opened for appending");
        }
        if (pingpong && size >= 2) {
            const double lat = ping_pong(8, 2000), big = ping_pong(std::size_t(8) << 20, 20);
            if (rank == 0) {
                std::printf("ping-pong: %.2f us for 8 B, %.2f GB/s for 8 MiB\n", lat * 1e6, 8.0 * (1 << 20) / big / 1e9);
                if (json) json << nlohmann::json{{"ping_pong_latency_s", lat}, {"ping_pong_bandwidth_Bps", 8.0 * (1 << 20) / big}, {"label", label}}.dump() << "\n";
            }
        }
        for (const auto &[variant, period] : runs) {
            const sf::VariantInfo &v = sf::require_variant(variant);
            std::vector<double> coeffs(v.num_coefficients(), 1.0 / v.num_coefficients());
            std::vector<double> times;
            nlohmann::json row{{"label", label},     {"variant", variant},  {"grid", grid_text}, {"steps", steps},
                               {"ranks", size},      {"threads", threads},  {"single", single},
                               {"overlap", !no_overlap}, {"depth", v.depth},    {"radius", v.radius}};
            if (single) {
                if (size != 1) throw sf::Error("--single runs on one rank");
                std::int64_t cells = 1;
                for (auto e : extent) cells *= e;
                std::vector<std::byte> a(static_cast<std::size_t>(cells) * sf::size_of(v.dtype)), b(a.size());
                const sf::PreparedStencil p(variant, steps);
                sf::Workspace ws;
                const sf::ConstGridView in(a.data(), v.dtype, extent);
                const sf::GridView out(b.data(), v.dtype, extent);
                p.run(in, out, coeffs, ws);  // first touch, first call
                for (int r = 0; r < reps; ++r) {
                    const double t = now();
                    p.run(in, out, coeffs, ws);
                    times.push_back(now() - t);
                }
                row["period"] = 0;
                row["exchange_fraction"] = 0.0;
                row["messages_per_rank"] = 0;
                row["bytes_per_rank"] = 0;
            } else {
                sd::StencilOptions o;
                o.period = period;
                o.overlap = !no_overlap;
                sd::DistributedStencil s(MPI_COMM_WORLD, variant, steps, extent, o);
                sd::DistributedGrid g(s.decomposition(), v.dtype);
                s.run(g, coeffs);  // first touch, first call
                s.reset_stats();
                for (int r = 0; r < reps; ++r) {
                    MPI_Barrier(MPI_COMM_WORLD);
                    const double t = now();
                    s.run(g, coeffs);
                    double mine = now() - t, slowest = 0;
                    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
                    times.push_back(slowest);
                }
                double frac = s.stats().exchange_seconds / s.stats().seconds, worst = 0;
                MPI_Allreduce(&frac, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
                row["period"] = s.period();
                row["halo"] = s.decomposition().halo();
                row["exchange_fraction"] = worst;
                row["messages_per_rank"] = s.stats().messages_sent / reps;
                row["bytes_per_rank"] = s.stats().bytes_sent / reps;
                row["exchanges"] = s.stats().exchanges / reps;
            }
            std::int64_t cells = 1;
            for (auto e : extent) cells *= e;
            const double t = median(times);
            row["seconds"] = t;
            row["cell_steps_per_s"] = double(cells) * steps / t;
            if (rank == 0) {
                std::printf("%-10s %-34s %-13s ranks %d x %d threads  period %-3d %7.3f G cell-steps/s  exchange %4.1f%%  "
                            "%lld messages/rank\n",
                            label.c_str(), variant.c_str(), grid_text.c_str(), size, threads, row["period"].get<int>(),
                            row["cell_steps_per_s"].get<double>() / 1e9, 100 * row["exchange_fraction"].get<double>(),
                            (long long)row["messages_per_rank"].get<std::int64_t>());
                std::fflush(stdout);
                if (json) json << row.dump() << "\n";
            }
        }
    } catch (const std::exception &e) {
        if (rank == 0) std::cerr << "error: " << e.what() << "\n";
        status = 1;
    }
    MPI_Finalize();
    return status;
}
