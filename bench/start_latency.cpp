// start_latency: wall time of short commands (container launches), measured interleaved:
// each round runs every case once, in an order of its own (round_order.hpp), so that drift,
// background load and what one launch leaves behind hit every case alike.
// bench/start-latency builds the case table; bench/README.md explains the numbers.
//
//   start_latency [--runs N] [--warmup N] [--seed N] [--timeout SEC] [--baseline NAME]
//                 [--env K=V]... [--compare A:B]... --case NAME COUNT ARG0 ARG1 ... [--case ...]...
//                 [--case-env NAME K=V]... [--case-fresh-dir NAME VAR]...
//                 [--case-burst NAME N]... [--case-setup NAME COUNT ARG0 ARG1 ...]...
//
// Each run is fork + execve (no shell, no PATH search) with stdin and stdout on /dev/null;
// a burst case forks its N copies at once and times each and the whole. A case's first
// failing run is reported with its stderr. Warm-up runs are not measured; if
// one fails, nothing is. Exit status: 0 every run succeeded, 1 a run failed or timed out,
// 2 usage or setup error.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_options.hpp"
#include "bench/latency_report.hpp"
#include "bench/latency_runner.hpp"
#include "bench/round_order.hpp"

namespace {

using skiff::Result;
using namespace skiff::bench;

void report_failure(const std::string& what, const Outcome& r, int round, bool warmup, const Runner& runner,
                    int timeout_s) {
    std::string text = runner.captured_stderr();
    if (text.empty()) text = "(no stderr)";
    if (text.back() != '\n') text += '\n';
    std::fprintf(stderr, "start_latency: case %s failed (%s run %d: %s); its stderr:\n%s", what.c_str(),
                 warmup ? "warm-up" : "measured", round + 1, r.describe(timeout_s).c_str(), text.c_str());
}

// A new empty directory (mode 0700) for a case's fresh_dir_var; its vectors are rebuilt, since
// they point into the case's strings.
Result<std::string> give_fresh_dir(Case& c, const Runner& runner, ExecVectors& vectors) {
    std::string dir = "/tmp/start-latency-fresh.XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) return skiff::fail("mkdtemp " + dir + " failed");
    for (std::string& kv : c.env)
        if (kv.starts_with(c.fresh_dir_var + "=")) kv = c.fresh_dir_var + "=" + dir;
    vectors = runner.vectors(c);
    return dir;
}

// A cold launch's squashfs server writes the image's read profile as it exits, which may be
// after the launch: retry until the directory is gone.
void remove_fresh_dir(const std::string& dir) {
    std::error_code ec;
    for (int tries = 0; tries < 500 && std::filesystem::exists(dir, ec); ++tries) {
        std::filesystem::remove_all(dir, ec);
        if (ec) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// The case's setup command, untimed; false if it failed (reported like a failed run).
Result<bool> run_setup(Case& c, const Runner& runner, int round, bool warmup, int timeout_s, int failures) {
    if (c.setup.empty()) return true;
    auto r = runner.run(runner.setup_vectors(c));
    if (!r) return skiff::fail(r.error().message);
    if (!r->ok() && failures == 0)
        report_failure(c.name + " (its --case-setup)", *r, round, warmup, runner, timeout_s);
    return r->ok();
}

// One run of case i: setup, pause, fresh directory, then the timed run (or burst).
Result<void> run_once(Options& o, const Runner& runner, std::size_t i, ExecVectors& vectors, int round, bool warmup,
                      CaseResult& res) {
    Case& c = o.cases[i];
    auto set_up = run_setup(c, runner, round, warmup, o.timeout_s, res.failures);
    if (!set_up) return skiff::fail(set_up.error().message);
    if (!warmup) ++res.runs;
    if (!*set_up) {
        ++res.failures;
        return {};
    }
    if (o.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
    std::string fresh;
    if (!c.fresh_dir_var.empty()) {
        auto dir = give_fresh_dir(c, runner, vectors);
        if (!dir) return skiff::fail(dir.error().message);
        fresh = *dir;
    }
    auto r = runner.run(vectors, c.copies);
    if (!fresh.empty()) remove_fresh_dir(fresh);
    if (!r) return skiff::fail(r.error().message);
    if (!r->ok()) {
        if (res.failures++ == 0) report_failure(c.name, *r, round, warmup, runner, o.timeout_s);
    } else if (!warmup) {
        res.ms.push_back(r->ms);
        res.each_ms.insert(res.each_ms.end(), r->each_ms.begin(), r->each_ms.end());
    }
    return {};
}

// Each round runs every case once, in the round's own order; the measured rounds draw theirs
// after the warm-up's.
Result<void> run_rounds(Options& o, const Runner& runner, int rounds, bool warmup, std::vector<CaseResult>& results) {
    std::vector<ExecVectors> vectors;
    for (Case& c : o.cases) vectors.push_back(runner.vectors(c));
    const auto seed = static_cast<std::uint64_t>(o.seed);
    const auto first = static_cast<std::uint64_t>(warmup ? 0 : o.warmup);
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i : round_order(o.cases.size(), seed, first + static_cast<std::uint64_t>(round))) {
            if (auto r = run_once(o, runner, i, vectors[i], round, warmup, results[i]); !r) return r;
        }
    }
    return {};
}

int failed_cases(const std::vector<CaseResult>& results) {
    int n = 0;
    for (const CaseResult& r : results) n += r.failures > 0 ? 1 : 0;
    return n;
}

int error(const std::string& message) {
    std::fprintf(stderr, "start_latency: error: %s\n", message.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    auto options = parse_options(std::span<char* const>(argv + 1, static_cast<std::size_t>(argc - 1)));
    if (!options) return error(options.error().message);
    if (options->help) {
        print_usage();
        return 0;
    }
    // Rootless launches are what is measured; as root the launchers take other code paths.
    if (::geteuid() == 0)
        return error("refusing to measure as root; run as an unprivileged user (bench/start-latency --user NAME)");
    auto runner = Runner::open(*options);
    if (!runner) return error(runner.error().message);

    std::vector<CaseResult> results(options->cases.size());
    if (auto warm = run_rounds(*options, *runner, options->warmup, true, results); !warm)
        return error(warm.error().message);
    if (int failed = failed_cases(results); failed > 0) {
        std::fprintf(stderr, "start_latency: %d case(s) failed during warm-up; nothing measured\n", failed);
        return 1;
    }
    if (auto measured = run_rounds(*options, *runner, options->runs, false, results); !measured)
        return error(measured.error().message);
    print_report(*options, results);
    return failed_cases(results) > 0 ? 1 : 0;
}
