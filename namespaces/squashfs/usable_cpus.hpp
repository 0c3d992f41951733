// How many CPUs this process may run on: its affinity mask (Slurm's cpuset for a job) and the
// CPU quota of its cgroup (cpu.max, on every level up to the root: a job step's limit may be
// set on an ancestor). An image server answers the kernel with at most this many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff::ns {

unsigned usable_cpus();

// The threads a server answers with by default on `cpus` usable CPUs: one each, but a single
// one on two CPUs or fewer, where a second thread made a cold launch of an uncompressed image
// 1.07-1.14x slower and compressed ones no faster (bench/README.md, "Server threads").
unsigned default_serving_threads(unsigned cpus);

// The quota of one cpu.max file ("max 100000" or "150000 100000"), in whole CPUs rounded up;
// nothing if unlimited or malformed.
std::optional<unsigned> cpus_of_cpu_max(std::string_view contents);

// This process's cgroup v2 path from /proc/self/cgroup ("0::/a/b" gives "/a/b"); nothing if
// there is no v2 line.
std::optional<std::string> cgroup2_path(std::string_view proc_self_cgroup);

}  // namespace skiff::ns
