// Signals reach the command, and nothing of skiff outlives the container, even after SIGKILL.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

class Lifecycle : public NsTest {
protected:
    // Processes still alive (not zombies waiting for init) whose command line has `marker`.
    static std::vector<pid_t> live_processes(const std::string& marker) {
        std::vector<pid_t> live;
        for (pid_t pid : processes_with_cmdline_containing(marker)) {
            std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
            std::string text;
            std::getline(stat, text);
            auto close = text.rfind(')');
            if (close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z') live.push_back(pid);
        }
        return live;
    }

    static bool gone_within(const std::string& marker, std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (live_processes(marker).empty()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return live_processes(marker).empty();
    }

    // The mount namespace of `pid` ("mnt:[4026532...]"); "" when it is gone.
    static std::string mount_namespace(pid_t pid) {
        std::error_code ec;
        return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/mnt", ec).string();
    }

    // Processes still in mount namespace `ns`: while one is, its mounts (the FUSE ones) live on.
    static std::vector<pid_t> processes_in(const std::string& ns) {
        return processes_where([&](pid_t pid) { return mount_namespace(pid) == ns; });
    }
};

TEST_F(Lifecycle, ForwardedSignalsReachTheCommand) {
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
        auto p = start_process({skiff_binary(), "run", "--image", image("musl.sqsh"), "--", "/bin/sh", "-c",
                                "trap 'echo caught; exit 7' " + std::to_string(sig) +
                                    "; echo ready; while true; do sleep 0.1; done"});
        ASSERT_TRUE(p.wait_for_output("ready", 10s)) << p.err_so_far();
        ASSERT_TRUE(p.send_signal(sig));
        auto r = p.wait(10s);
        EXPECT_EQ(r.status, 7) << "signal " << sig << ": " << r;
        EXPECT_NE(r.out.find("caught"), std::string::npos) << r;
    }
}

TEST_F(Lifecycle, NothingLeftAfterNormalExit) {
    const std::string marker = "skiff-lifecycle-normal-" + std::to_string(::getpid());
    auto r = run_in(image("musl.sqsh"), {"--cold", "--mount", image("data.sqsh") + ":/data:sqsh"},
                    {"/bin/sh", "-c", "cat /data/hello.txt", marker});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(gone_within(marker, 3s)) << "squashfs servers still running";
}

TEST_F(Lifecycle, NothingLeftAfterSigkill) {
    const std::string marker = "skiff-lifecycle-kill-" + std::to_string(::getpid());
    auto p = start_process({skiff_binary(), "run", "--cold", "--image", image("musl.sqsh"), "--mount",
                            image("data.sqsh") + ":/data:sqsh", "--", "/bin/sh", "-c",
                            "cat /data/hello.txt; echo ready; sleep 60; true", marker});
    ASSERT_TRUE(p.wait_for_output("ready", 10s)) << p.err_so_far();
    auto live = live_processes(marker);
    EXPECT_GE(live.size(), 3u) << "expected the container and two squashfs servers";
    // The container's mount namespace: the one where /data is mounted.
    std::string container_ns;
    for (pid_t pid : live) {
        std::ifstream mountinfo("/proc/" + std::to_string(pid) + "/mountinfo");
        for (std::string line; std::getline(mountinfo, line);)
            if (line.find(" /data ro,") != std::string::npos) container_ns = mount_namespace(pid);
    }
    ASSERT_NE(container_ns, "") << "no process of the container has /data mounted";
    ASSERT_NE(container_ns, mount_namespace(::getpid()));
    ASSERT_FALSE(processes_in(container_ns).empty()) << "the check below sees the container while it runs";
    ASSERT_TRUE(p.signal_group(SIGKILL));
    auto r = p.wait(10s);
    EXPECT_EQ(r.term_signal, SIGKILL) << r;
    EXPECT_TRUE(gone_within(marker, 3s)) << "left behind: " << live_processes(marker).size() << " processes";
    EXPECT_EQ(processes_in(container_ns), std::vector<pid_t>{}) << "the container's mounts outlive it in " << container_ns;
}

TEST_F(Lifecycle, FailedLaunchLeavesNoServer) {
    const std::string marker = "skiff-lifecycle-fail-" + std::to_string(::getpid());
    auto r = run_in(image("musl.sqsh"), {"--cold", "--workdir", "/no/such/dir"}, {"/bin/true", marker});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("workdir '/no/such/dir' does not exist in the container"), std::string::npos) << r;
    EXPECT_TRUE(gone_within(marker, 3s));
}

}  // namespace
}  // namespace skiff::test
