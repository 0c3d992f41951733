// The warm path (namespaces/image_server/image_server.hpp): one image server per user and image, shared by
// launches, gone after its idle timeout, never pulling a root from under a running container.
// Each test has a runtime directory of its own, so its servers are its own.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <thread>

#include "common/env_map.hpp"
#include "tests/ns/warm_fixture.hpp"


namespace skiff::test {
namespace {

using namespace std::chrono_literals;

class Warm : public WarmTest {
protected:
    ProcessResult launch(const std::string& image_path, const std::string& script, std::vector<std::string> flags = {"-v"}) const {
        return sh(image_path, script, flags, options());
    }

    // `skiff image servers`, without its header line.
    std::vector<std::string> servers() const {
        auto r = skiff({"image", "servers"});
        EXPECT_EQ(r.status, 0) << r;
        std::vector<std::string> lines;
        std::istringstream in(r.out);
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) lines.push_back(line);
        return lines;
    }

    static pid_t server_pid(const std::string& line) { return static_cast<pid_t>(std::stol(line)); }

    // Gone, or a zombie with no thread left. A killed server's main thread turns zombie while
    // its serving threads still exit, and they share its descriptors: until the last one is
    // gone, its listening socket still takes a connection, then resets it.
    static bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        const std::string proc = "/proc/" + std::to_string(pid);
        while (std::chrono::steady_clock::now() < deadline) {
            std::ifstream stat(proc + "/stat");
            std::string text;
            if (!std::getline(stat, text)) return true;
            std::error_code ec;
            auto threads = std::distance(std::filesystem::directory_iterator(proc + "/task", ec),
                                         std::filesystem::directory_iterator());
            if (text.find(") Z ") != std::string::npos && !ec && threads <= 1) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    std::string servers_dir() const { return runtime_ / "skiff/servers"; }

};

TEST_F(Warm, SecondLaunchIsWarmAndSeesWhatAColdOneSees) {
    const std::string script = "cat /etc/os-release; id -u; ls /; echo x > /tmp/w; cat /tmp/w";
    auto first = launch(image("debian.sqsh"), script);
    ASSERT_EQ(first.status, 0) << first;
    EXPECT_TRUE(says(first, "warm (clone): started the image server at " + servers_dir())) << first.err;
    auto second = launch(image("debian.sqsh"), script);
    ASSERT_EQ(second.status, 0) << second;
    // A spare, or a clone if the first launch's spares are still being built (warm_spare_test).
    EXPECT_TRUE(says(second, "the image server at " + servers_dir())) << second.err;
    EXPECT_TRUE(says(second, "warm (")) << second.err;
    auto cold = launch(image("debian.sqsh"), script, {"-v", "--cold"});
    ASSERT_EQ(cold.status, 0) << cold;
    EXPECT_TRUE(says(cold, "cold: --cold")) << cold.err;
    EXPECT_EQ(second.out, cold.out);
    EXPECT_EQ(first.out, cold.out);
}

TEST_F(Warm, ContainersShareNoWritableLayer) {
    auto writer = start_container(image("musl.sqsh"), "echo mine > /etc/written; echo ready; sleep 30");
    ASSERT_TRUE(writer.wait_for_output("ready", 10s)) << writer.err_so_far();
    auto reader = launch(image("musl.sqsh"), "cat /etc/written 2>&1; true");
    EXPECT_NE(reader.out.find("No such file"), std::string::npos) << reader;
    writer.signal_group(SIGKILL);
}

TEST_F(Warm, SixteenConcurrentLaunchesShareOneServer) {
    std::vector<BackgroundProcess> launches;
    for (int i = 0; i < 16; ++i)
        launches.push_back(start_container(image("musl.sqsh"), "test -x /bin/busybox && echo ok"));
    for (auto& p : launches) {
        auto r = p.wait(30s);
        EXPECT_EQ(r.status, 0) << r;
        EXPECT_EQ(r.out, "ok\n");
    }
    auto list = servers();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_NE(list[0].find(" 16 "), std::string::npos) << "16 launches expected: " << list[0];
}

TEST_F(Warm, IdleServerExitsAndLeavesNothing) {
    env_["SKIFF_SERVER_IDLE"] = "1";
    ASSERT_EQ(launch(image("musl.sqsh"), "true").status, 0);
    auto list = servers();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_TRUE(gone_within(server_pid(list[0]), 5s));
    EXPECT_TRUE(std::filesystem::is_empty(servers_dir())) << "socket or lock file left in " << servers_dir();
}

TEST_F(Warm, RunningContainerKeepsItsRootPastIdleAndStop) {
    env_["SKIFF_SERVER_IDLE"] = "1";
    auto container = start_container(image("debian.sqsh"),
                                     "echo ready; sleep 3; find / -xdev | wc -l; cat /usr/share/doc/bash/copyright | wc -c");
    ASSERT_TRUE(container.wait_for_output("ready", 10s)) << container.err_so_far();
    auto list = servers();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_NE(list[0].find(" 1 "), std::string::npos) << "one client expected: " << list[0];
    std::this_thread::sleep_for(1500ms);  // past the idle timeout: a client keeps the server
    ASSERT_EQ(servers().size(), 1u);
    auto stop = skiff({"image", "stop"});  // waits for the container
    EXPECT_EQ(stop.status, 0) << stop;
    auto r = container.wait(10s);
    expect_root_outlived_server(r);
    EXPECT_TRUE(servers().empty());
}

// `image stop IMAGE` finds the server by the file's identity, not the path as written: a
// symlink to the image stops the server the image's own path started.
TEST_F(Warm, StopByAnotherPathToTheSameFile) {
    TempDir links("links");
    std::filesystem::create_symlink(image("musl.sqsh"), links / "alias.sqsh");
    ASSERT_EQ(launch(image("musl.sqsh"), "true").status, 0);
    ASSERT_EQ(servers().size(), 1u);
    auto other = skiff({"image", "stop", image("debian.sqsh")});
    EXPECT_NE(other.err.find("stopped 0 image server(s)"), std::string::npos) << other;
    auto stop = skiff({"image", "stop", links / "alias.sqsh"});
    EXPECT_EQ(stop.status, 0) << stop;
    EXPECT_NE(stop.err.find("stopped 1 image server(s)"), std::string::npos) << stop;
    EXPECT_TRUE(servers().empty());
}

TEST_F(Warm, KilledServerIsReplacedByTheNextLaunch) {
    ASSERT_EQ(launch(image("musl.sqsh"), "true").status, 0);
    auto list = servers();
    ASSERT_EQ(list.size(), 1u);
    ASSERT_EQ(::kill(server_pid(list[0]), SIGKILL), 0);
    ASSERT_TRUE(gone_within(server_pid(list[0]), 5s));
    auto r = launch(image("musl.sqsh"), "echo after");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "after\n");
    EXPECT_TRUE(says(r, "warm (clone): started the image server")) << r.err;
}

// A killed server leaves its socket and lock; `image stop --force` removes them, and only
// those of the image named, while a live server's files stay.
TEST_F(Warm, ForcedStopRemovesWhatKilledServersLeft) {
    ASSERT_EQ(launch(image("musl.sqsh"), "true").status, 0);
    ASSERT_EQ(launch(image("debian.sqsh"), "true").status, 0);
    auto list = servers();
    ASSERT_EQ(list.size(), 2u);
    for (const auto& line : list) {
        ASSERT_EQ(::kill(server_pid(line), SIGKILL), 0);
        ASSERT_TRUE(gone_within(server_pid(line), 5s));
    }
    TempDir images("images");
    std::filesystem::copy_file(image("musl.sqsh"), images / "copy.sqsh");
    ASSERT_EQ(launch(images / "copy.sqsh", "true").status, 0);  // a live server, of another file
    auto files = [this] {
        auto entries = std::filesystem::directory_iterator(servers_dir());
        return std::distance(begin(entries), end(entries));
    };
    ASSERT_EQ(files(), 6) << "three sockets and three locks";
    auto plain = skiff({"image", "stop", image("musl.sqsh")});
    EXPECT_EQ(plain.status, 0) << plain;
    EXPECT_EQ(files(), 6) << "without --force, dead servers' files stay";
    auto one = skiff({"image", "stop", "--force", image("musl.sqsh")});
    EXPECT_EQ(one.status, 0) << one;
    EXPECT_NE(one.err.find("removed the socket and lock of 1 dead image server(s)"), std::string::npos) << one;
    EXPECT_EQ(files(), 4);
    auto all = skiff({"image", "stop", "--force"});
    EXPECT_NE(all.err.find("stopped 1 image server(s)"), std::string::npos) << all;
    EXPECT_TRUE(std::filesystem::is_empty(servers_dir())) << all;
}

TEST_F(Warm, ReplacedImageGetsANewServer) {
    TempDir images("images");
    std::string path = images / "image.sqsh";
    std::filesystem::copy_file(image("musl.sqsh"), path);
    ASSERT_EQ(launch(path, "true").status, 0);
    std::filesystem::copy_file(image("debian.sqsh"), path, std::filesystem::copy_options::overwrite_existing);
    auto r = launch(path, "cat /etc/debian_version");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "warm (clone): started the image server")) << r.err;
    EXPECT_EQ(servers().size(), 2u);
}

TEST_F(Warm, DirectoryImagesAndUnusableRuntimeDirectoriesGoCold) {
    auto dir = launch(image("musl-rootfs"), "true");
    ASSERT_EQ(dir.status, 0) << dir;
    EXPECT_TRUE(says(dir, "cold: a directory image needs no server")) << dir.err;
    ASSERT_EQ(::mkdir((runtime_ / "skiff").c_str(), 0755), 0);
    auto r = launch(image("musl.sqsh"), "true");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "cold: skiff's runtime directory")) << r.err;
}

// Whoever can write to XDG_RUNTIME_DIR (no sticky bit) can swap skiff's sockets and caches
// there: skiff does not use it at all, and says so once.
TEST_F(Warm, AnXdgRuntimeDirOthersCanWriteGoesColdWithOneWarning) {
    ASSERT_EQ(::chmod(runtime_.path().c_str(), 0777), 0);
    auto r = launch(image("musl.sqsh"), "echo ran");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "ran\n");
    std::string warning = "skiff: warning: XDG_RUNTIME_DIR '" + runtime_.path() + "' (mode 0777) is writable by others";
    EXPECT_TRUE(says(r, warning)) << r.err;
    EXPECT_EQ(r.err.find("skiff: warning:"), r.err.rfind("skiff: warning:")) << "one warning\n" << r.err;
    EXPECT_TRUE(says(r, "cold: XDG_RUNTIME_DIR '" + runtime_.path() + "'")) << r.err;
    EXPECT_FALSE(std::filesystem::exists(runtime_ / "skiff")) << "skiff created its directory there";
}

// With the sticky bit others may add names but never move the user's: skiff uses it.
TEST_F(Warm, AStickyXdgRuntimeDirIsUsed) {
    ASSERT_EQ(::chmod(runtime_.path().c_str(), 01777), 0);
    auto r = launch(image("musl.sqsh"), "true");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(says(r, "warm (clone): started the image server at " + servers_dir())) << r.err;
    EXPECT_FALSE(says(r, "skiff: warning:")) << r.err;
}

}  // namespace
}  // namespace skiff::test
