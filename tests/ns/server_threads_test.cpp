// A squashfs server answers the kernel with several threads (namespaces/squashfs/
// squashfs_fuse.hpp), at most one per CPU it may run on unless SKIFF_SERVER_THREADS says
// otherwise, sharing one cache of decompressed blocks: concurrent readers, through a warm
// server and a cold one, get the image's bytes.
#include <sched.h>

#include <chrono>
#include <filesystem>

#include "tests/ns/warm_fixture.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

// The md5 of every file under `usr`, sorted by name (the list of files kept in `tmp`); read
// from file 1 + n*part/parts of the list on, so that concurrent readers ask the server for
// different files at the same time.
std::string digests_script(const std::string& usr, const std::string& tmp, int part = 0, int parts = 1, int jobs = 1) {
    return "export LC_ALL=C; cd '" + usr + "' && find . -type f | sort > '" + tmp + "/files' && "
           "n=$(wc -l < '" + tmp + "/files') && "
           "s=$((n * " + std::to_string(part) + " / " + std::to_string(parts) + ")) && "
           "{ tail -n +$((s + 1)) '" + tmp + "/files'; head -n $s '" + tmp + "/files'; } | xargs -d '\\n' -P " + std::to_string(jobs) +
           " -n 64 md5sum | sort -k 2";
}

class ServerThreads : public WarmTest {
protected:
    // What the image's /usr holds, read from the directory it was built from.
    std::string expected_digests() {
        auto r = run_process({"/bin/sh", "-c", digests_script(image("debian-rootfs") + "/usr", scratch_.path())});
        EXPECT_EQ(r.status, 0) << r;
        return r.out;
    }

    // The threads of the one image server this test's launches started.
    std::size_t server_threads() {
        auto r = skiff({"image", "servers"});
        EXPECT_EQ(r.status, 0) << r;
        auto newline = r.out.find('\n');
        if (newline == std::string::npos || newline + 1 >= r.out.size()) return 0;
        auto pid = std::stol(r.out.substr(newline + 1));
        std::size_t count = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
            (void)entry;
            ++count;
        }
        return count;
    }

    TempDir scratch_{"digests"};
};

TEST_F(ServerThreads, ConcurrentReadersThroughAWarmServerGetTheImagesBytes) {
    env_["SKIFF_SERVER_THREADS"] = "8";
    env_["SKIFF_SERVER_CACHE_MIB"] = "1";  // fewer slots than blocks in use: evictions under load
    constexpr int readers = 6;
    std::vector<BackgroundProcess> launches;
    for (int i = 0; i < readers; ++i)
        launches.push_back(start_container(image("debian.sqsh"), digests_script("/usr", "/tmp", i, readers)));
    auto expected = expected_digests();
    ASSERT_GT(expected.size(), 100000u);  // thousands of files
    for (auto& launch : launches) {
        auto r = launch.wait(120s);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(r.out == expected) << "a reader got other bytes than the image's";
    }
}

TEST_F(ServerThreads, AColdServerWithAProfileAndThreadsGetsTheImagesBytes) {
    env_["SKIFF_SERVER_THREADS"] = "4";
    auto expected = expected_digests();
    for (int round = 0; round < 2; ++round) {  // the second prefetches what the first recorded
        auto r = sh(image("debian.sqsh"), digests_script("/usr", "/tmp", round, 2, 4), {"--cold"}, options());
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(r.out == expected) << "round " << round << " got other bytes than the image's";
    }
}

// The warm server's poll loop, and the serving threads beside it.
TEST_F(ServerThreads, AsManyAsSkiffServerThreadsSays) {
    env_["SKIFF_SERVER_THREADS"] = "3";
    auto r = sh(image("debian.sqsh"), digests_script("/usr", "/tmp", 0, 1, 4) + " > /dev/null", {}, options());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(server_threads(), 1u + 3);
}

TEST_F(ServerThreads, OnePerCpuTheServerMayUse) {
    cpu_set_t ours, one;
    ASSERT_EQ(::sched_getaffinity(0, sizeof ours, &ours), 0);
    CPU_ZERO(&one);
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &ours)) {
            CPU_SET(cpu, &one);
            break;
        }
    ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);  // inherited by skiff and its server
    auto r = sh(image("debian.sqsh"), digests_script("/usr", "/tmp", 0, 1, 4) + " > /dev/null", {}, options());
    ASSERT_EQ(::sched_setaffinity(0, sizeof ours, &ours), 0);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(server_threads(), 1u + 1) << "one CPU: the poll loop and one serving thread";
}

}  // namespace
}  // namespace skiff::test
