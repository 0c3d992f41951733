// Launches with a runtime directory of the test's own (XDG_RUNTIME_DIR: image servers, image
// facts, read profiles); the servers they start are stopped when the test ends. The warm-path
// suites, the facts cache and the read profiles build on it.
#pragma once

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/env_map.hpp"
#include "tests/support/host.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {

// Whether another process of ours has a descriptor open on `dir` or below it.
inline bool descriptor_held_under(const std::string& dir) {
    auto under = [&](const std::string& target) { return target == dir || target.starts_with(dir + "/"); };
    return !processes_where([&](pid_t pid) { return holds_descriptor(pid, under); }).empty();
}

class WarmTest : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        env_ = skiff::env_from_envp(environ);
        env_["XDG_RUNTIME_DIR"] = runtime_.path();
        env_.erase("SKIFF_SERVER_IDLE");
        env_.erase("SKIFF_WARM_SPARES");
    }

    // A server that retired on its own may still be exiting, writing its read profile into the
    // runtime directory: that directory is removed once no process holds a descriptor in it
    // (a removal racing the profile's rename failed with ENOENT).
    void TearDown() override {
        (void)skiff({"image", "stop", "--force"});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (descriptor_held_under(runtime_.path()) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    RunOptions options() const {
        RunOptions o;
        o.env = env_;
        return o;
    }

    ProcessResult skiff(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, options());
    }

    // `skiff run [-v] --image IMAGE -- /bin/sh -c SCRIPT` in the background.
    BackgroundProcess start_container(const std::string& image_path, const std::string& script,
                                      bool verbose = false) const {
        std::vector<std::string> argv{skiff_binary(), "run"};
        if (verbose) argv.push_back("-v");
        argv.insert(argv.end(), {"--image", image_path, "--", "/bin/sh", "-c", script});
        return start_process(argv, options());
    }

    // A container that printed "ready", slept past its server's end and then counted the
    // files of its root: it must have found them all, never ENOTCONN.
    static void expect_root_outlived_server(const ProcessResult& r) {
        EXPECT_EQ(r.status, 0) << r;
        EXPECT_EQ(r.err.find("not connected"), std::string::npos) << r;
        ASSERT_TRUE(r.out.starts_with("ready\n")) << r;
        EXPECT_GT(std::stol(r.out.substr(6)), 1000) << r.out;  // files found after the server retired
    }

    TempDir runtime_{"xdg"};
    EnvMap env_;
};

// Whether skiff's stderr (its -v narrative or its error) contains `text`.
inline bool says(const ProcessResult& r, const std::string& text) { return r.err.find(text) != std::string::npos; }

}  // namespace skiff::test
