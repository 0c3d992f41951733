// ldcache_merge_bench: time of skiff's in-process ld.so.cache merge (ldcache::merge_cache) on a
// real image cache plus 100 and 300 injections taken from another real cache (keys and flags
// kept, values moved under /opt/site/lib). Used by hand; bench/README.md explains the numbers.
//
//   ldcache_merge_bench [--image FILE] [--host FILE] [--runs N] [--cold N]
//
// "cold" is the first call in a fresh process (the CLI merges once per process): the program
// re-executes itself N times with --once and takes the median; "median" is over N calls in one
// process. The FNV-1a hash of the output lets two builds be checked for identical bytes.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_merge.hpp"
#include "libfabric-bind/cache_reader.hpp"

extern char** environ;

namespace {

using namespace skiff::ldcache;

struct Options {
    std::string image = "/var/tmp/skiff-ci/images/debian-rootfs/etc/ld.so.cache";
    std::string host = "/etc/ld.so.cache";
    int runs = 300;
    int cold = 21;
    int once = 0;  // internal: one timed call with this many injections
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "ldcache_merge_bench: cannot read %s\n", path.c_str());
        std::exit(2);
    }
    return {std::istreambuf_iterator<char>(in), {}};
}

// `count` plain entries with distinct (flags, key), spread evenly over the host cache and given
// in ascending file-name order, as a directory scan yields them.
std::vector<Injection> injections(const std::string& host_cache, std::size_t count) {
    auto parsed = read_cache(host_cache, host_arch().byte_order);
    if (!parsed) std::exit(2);
    std::vector<CacheEntry> pool;
    std::set<std::pair<std::int32_t, std::string>> seen;
    for (const auto& e : parsed->entries)
        if (!e.hwcaps && e.hwcap == 0 && seen.insert({e.flags, e.key}).second) pool.push_back(e);
    if (pool.size() < count) {
        std::fprintf(stderr, "ldcache_merge_bench: only %zu usable entries in the host cache\n", pool.size());
        std::exit(2);
    }
    std::vector<Injection> out;
    for (std::size_t i = 0; i < count; ++i) {
        CacheEntry e = pool[i * pool.size() / count];
        e.value = "/opt/site/lib/" + e.value.substr(e.value.rfind('/') + 1);
        out.push_back(std::move(e));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

// This thread's CPU time (user + system, page faults included), in us: unlike wall time it does
// not count the time other processes on a busy machine take from us.
double cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Minor page faults of this thread so far: each first touch of a page costs one.
double faults() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return static_cast<double>(ru.ru_minflt);
}

struct Sample {
    double wall = 0, cpu = 0;  // us
    double faults = 0;
};

Sample time_merge(const std::string& image, const std::vector<Injection>& in, std::string* bytes) {
    double f0 = faults(), c0 = cpu_us();
    auto t0 = std::chrono::steady_clock::now();
    auto r = merge_cache(image, in, host_arch());
    auto t1 = std::chrono::steady_clock::now();
    double c1 = cpu_us(), f1 = faults();
    if (!r) {
        std::fprintf(stderr, "ldcache_merge_bench: %s\n", r.error().message.c_str());
        std::exit(1);
    }
    if (bytes) *bytes = std::move(r->bytes);
    return {std::chrono::duration<double, std::micro>(t1 - t0).count(), c1 - c0, f1 - f0};
}

// "wall median (min), cpu median (min), page faults median" of the samples.
std::string summary(const std::vector<Sample>& samples) {
    std::vector<double> wall, cpu, flt;
    for (const auto& s : samples) {
        wall.push_back(s.wall);
        cpu.push_back(s.cpu);
        flt.push_back(s.faults);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::sort(flt.begin(), flt.end());
    char buf[160];
    std::snprintf(buf, sizeof buf, "wall %.1f (min %.1f) cpu %.1f (min %.1f) us, %.0f page faults, n=%zu",
                  wall[wall.size() / 2], wall.front(), cpu[cpu.size() / 2], cpu.front(), flt[flt.size() / 2],
                  samples.size());
    return buf;
}

// One fresh process per sample: `self --once count ...`, which prints its times in us.
Sample cold_sample(const Options& o, std::size_t count) {
    std::string n = std::to_string(count);
    std::vector<std::string> args = {"/proc/self/exe", "--image", o.image, "--host", o.host, "--once", n};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) std::exit(2);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    if (posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ) != 0) std::exit(2);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    char buf[64] = {};
    ssize_t got = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    Sample s;
    if (got <= 0 || status != 0 || std::sscanf(buf, "%lf %lf %lf", &s.wall, &s.cpu, &s.faults) != 3) std::exit(1);
    return s;
}

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

void report(const Options& o, const std::string& image, std::size_t count) {
    auto in = injections(slurp(o.host), count);
    std::vector<Sample> cold, warm;
    for (int i = 0; i < o.cold; ++i) cold.push_back(cold_sample(o, count));
    std::string bytes;
    for (int i = 0; i < o.runs; ++i) warm.push_back(time_merge(image, in, &bytes));
    auto entries = read_cache(bytes, host_arch().byte_order)->entries.size();
    std::printf("%zu injections: %zu entries, %zu bytes, fnv %016llx\n  cold (first call):   %s\n"
                "  in-process (median): %s\n",
                count, entries, bytes.size(), static_cast<unsigned long long>(fnv1a(bytes)),
                summary(cold).c_str(), summary(warm).c_str());
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--image") o.image = v;
        else if (a == "--host") o.host = v;
        else if (a == "--runs") o.runs = std::max(1, std::atoi(v.c_str()));
        else if (a == "--cold") o.cold = std::max(1, std::atoi(v.c_str()));
        else if (a == "--once") o.once = std::atoi(v.c_str());
        else {
            std::fprintf(stderr, "usage: ldcache_merge_bench [--image FILE] [--host FILE] [--runs N] [--cold N]\n");
            std::exit(2);
        }
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    std::string image = slurp(o.image);
    if (o.once > 0) {
        auto in = injections(slurp(o.host), static_cast<std::size_t>(o.once));
        Sample s = time_merge(image, in, nullptr);
        std::printf("%.3f %.3f %.0f\n", s.wall, s.cpu, s.faults);
        return 0;
    }
    std::printf("image cache %s, injections from %s\n", o.image.c_str(), o.host.c_str());
    for (std::size_t count : {std::size_t{100}, std::size_t{300}}) report(o, image, count);
    return 0;
}
