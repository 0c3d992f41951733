// edf_parse_bench: CPU time of edf::load() (read, scan, parse, type-check, merge, expand) on
// generated EDFs with N [env] keys and with N annotations, for each N of --keys; the first N
// is the baseline every other one is compared with, in the same run. Linear parsing shows a
// time ratio near the key ratio; the old per-key line count showed its square. Used by hand;
// bench/README.md explains the numbers.
//
//   edf_parse_bench [--keys N,N,...] [--runs R]
//
// A file over skiff's 1 MiB limit (about 40k [env] keys or 30k annotations here) does not
// load: exit status 1.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/split.hpp"
#include "launcher/edf/edf.hpp"

namespace {

struct Options {
    std::vector<std::size_t> keys = {1000, 20000};
    int runs = 11;
};

// This thread's CPU time in ms: unlike wall time, not what other processes take from us.
double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string wide_edf(const std::string& table, std::size_t keys) {
    std::string text = "image = \"ubuntu:24.04\"\n[" + table + "]\n";
    for (std::size_t i = 0; i < keys; ++i) {
        std::string n = std::to_string(i);
        text += (table == "env" ? "VAR_" : "org.site.key") + n + " = \"value " + n + "\"\n";
    }
    return text;
}

// The median CPU time of `runs` loads of `path`, in ms; -1 if the file does not load.
double median_load_ms(const std::string& path, const std::string& cwd, int runs) {
    skiff::edf::LoadOptions options{cwd, {{"HOME", cwd}}, false, false};
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        skiff::Diagnostics diag;
        double start = cpu_ms();
        auto env = skiff::edf::load(path, options, diag);
        times.push_back(cpu_ms() - start);
        if (!env || !diag.errors.empty()) {
            std::fprintf(stderr, "edf_parse_bench: %s\n", diag.errors.empty() ? env.error().message.c_str()
                                                                               : diag.errors.front().c_str());
            return -1;
        }
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

bool report(const std::string& table, const Options& o, const std::string& dir) {
    std::printf("[%s]\n%8s %12s %12s %14s\n", table.c_str(), "keys", "median ms", "us per key", "x baseline");
    double base_ms = 0;
    for (std::size_t keys : o.keys) {
        std::string path = dir + "/" + table + std::to_string(keys) + ".toml";
        std::ofstream(path, std::ios::binary) << wide_edf(table, keys);
        double ms = median_load_ms(path, dir, o.runs);
        if (ms < 0) return false;
        if (base_ms == 0) base_ms = ms;
        double key_ratio = static_cast<double>(keys) / static_cast<double>(o.keys.front());
        std::printf("%8zu %12.2f %12.3f %7.1f (keys x%.0f)\n", keys, ms, ms * 1e3 / static_cast<double>(keys),
                    ms / base_ms, key_ratio);
    }
    return true;
}

Options parse(int argc, char** argv) {
    Options o;
    bool ok = argc % 2 == 1;
    for (int i = 1; ok && i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--runs") {
            o.runs = std::max(1, std::atoi(v.c_str()));
        } else if (a == "--keys") {
            o.keys.clear();
            for (std::string_view n : skiff::split(v, ','))
                o.keys.push_back(std::strtoul(std::string(n).c_str(), nullptr, 10));
        } else {
            ok = false;
        }
    }
    if (!ok || o.keys.empty() || o.keys.front() == 0) {
        std::fprintf(stderr, "usage: edf_parse_bench [--keys N,N,...] [--runs R]\n");
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    char pattern[] = "/tmp/edf-parse-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return 2;
    std::printf("edf::load of an EDF with N keys, CPU time, median of %d runs\n", o.runs);
    bool ok = report("env", o, pattern) && report("annotations", o, pattern);
    std::error_code ignored;
    std::filesystem::remove_all(pattern, ignored);
    return ok ? 0 : 1;
}
