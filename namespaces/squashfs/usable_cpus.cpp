#include "namespaces/squashfs/usable_cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "common/read_small_file.hpp"

namespace skiff::ns {
namespace {

constexpr std::size_t small_file_limit = 4096;

std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

unsigned affinity_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

// The smallest quota on the way from this process's cgroup up to the root.
std::optional<unsigned> quota_cpus() {
    auto self = read_small_file("/proc/self/cgroup", small_file_limit);
    auto path = self ? cgroup2_path(*self) : std::nullopt;
    if (!path) return std::nullopt;
    std::optional<unsigned> smallest;
    for (std::string dir = *path;;) {
        auto limit = read_small_file("/sys/fs/cgroup" + dir + "/cpu.max", small_file_limit);
        auto cpus = limit ? cpus_of_cpu_max(*limit) : std::nullopt;
        if (cpus && (!smallest || *cpus < *smallest)) smallest = cpus;
        if (dir == "/") return smallest;
        auto slash = dir.rfind('/');
        dir = slash == 0 ? "/" : dir.substr(0, slash);
    }
}

}  // namespace

std::optional<unsigned> cpus_of_cpu_max(std::string_view contents) {
    if (!contents.empty() && contents.back() == '\n') contents.remove_suffix(1);
    auto space = contents.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto quota = number(contents.substr(0, space));
    auto period = number(contents.substr(space + 1));
    if (!quota || !period || *period == 0) return std::nullopt;  // "max": unlimited
    return static_cast<unsigned>(std::clamp<std::uint64_t>((*quota + *period - 1) / *period, 1, 1u << 16));
}

std::optional<std::string> cgroup2_path(std::string_view proc_self_cgroup) {
    while (!proc_self_cgroup.empty()) {
        auto end = proc_self_cgroup.find('\n');
        auto line = proc_self_cgroup.substr(0, end);
        // A cgroup outside this cgroup namespace shows as "/../..": not ours to read.
        if (line.starts_with("0::/")) {
            auto path = line.substr(3);
            if (path.find("/..") != std::string_view::npos) return std::nullopt;
            return std::string(path);
        }
        if (end == std::string_view::npos) break;
        proc_self_cgroup.remove_prefix(end + 1);
    }
    return std::nullopt;
}

unsigned usable_cpus() {
    unsigned cpus = affinity_cpus();
    if (auto quota = quota_cpus()) cpus = std::min(cpus, *quota);
    return cpus;
}

unsigned default_serving_threads(unsigned cpus) { return cpus > 2 ? cpus : 1; }

}  // namespace skiff::ns
