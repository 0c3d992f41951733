// The CPUs an image server may use (namespaces/squashfs/usable_cpus.hpp): the cgroup v2 quota
// as cpu.max writes it, rounded up to whole CPUs, and this process's cgroup path.
#include "namespaces/squashfs/usable_cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>

namespace skiff::ns {
namespace {

TEST(UsableCpus, CpuMaxQuotaInWholeCpusRoundedUp) {
    EXPECT_EQ(cpus_of_cpu_max("max 100000\n"), std::nullopt);
    EXPECT_EQ(cpus_of_cpu_max("200000 100000\n"), 2u);
    EXPECT_EQ(cpus_of_cpu_max("150000 100000"), 2u);
    EXPECT_EQ(cpus_of_cpu_max("50000 100000\n"), 1u);
    EXPECT_EQ(cpus_of_cpu_max("1000 100000\n"), 1u);
}

TEST(UsableCpus, MalformedCpuMaxIsNoLimit) {
    for (const char* text : {"", "\n", "100000", "x 100000", "100000 0", "-5 100000", "100000 100000 1", "1e5 100000"})
        EXPECT_EQ(cpus_of_cpu_max(text), std::nullopt) << text;
}

TEST(UsableCpus, Cgroup2PathOfThisProcess) {
    EXPECT_EQ(cgroup2_path("0::/user.slice/user-1000.slice/session-3.scope\n"),
              "/user.slice/user-1000.slice/session-3.scope");
    EXPECT_EQ(cgroup2_path("12:cpu,cpuacct:/job\n0::/\n"), "/");
    EXPECT_EQ(cgroup2_path("4:memory:/job\n"), std::nullopt);  // cgroup v1 only
    EXPECT_EQ(cgroup2_path("0::/../../outside\n"), std::nullopt);
}

TEST(UsableCpus, OneThreadOnTwoCpusOrFewerElseOneEach) {
    EXPECT_EQ(default_serving_threads(1), 1u);
    EXPECT_EQ(default_serving_threads(2), 1u);
    EXPECT_EQ(default_serving_threads(3), 3u);
    EXPECT_EQ(default_serving_threads(128), 128u);
}

TEST(UsableCpus, NeverMoreThanTheAffinityMask) {
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
    unsigned cpus = usable_cpus();
    EXPECT_GE(cpus, 1u);
    EXPECT_LE(cpus, static_cast<unsigned>(CPU_COUNT(&set)));
}

}  // namespace
}  // namespace skiff::ns
