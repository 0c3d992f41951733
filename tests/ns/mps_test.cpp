// The CUDA MPS hook (com.hooks.nvidia_cuda_mps) on the stand-in driver and its stand-in
// control daemon (tests/support/standin_driver.hpp), which records each start in a file bound
// from the host. Sleeps of a length unique to the test process find the daemon's processes.
#include <unistd.h>

#include "tests/ns/standin_gpu_fixture.hpp"
#include "tests/support/host.hpp"

namespace skiff::test {
namespace {

constexpr auto grace = std::chrono::seconds(5);

class Mps : public StandinGpuTest {
protected:
    void SetUp() override {
        StandinGpuTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        record_ = tree_.write_file("record", "");
        add_standin_mps(*driver_, control_sleep_, server_sleep_);
    }

    std::vector<std::string> mps_options(const std::vector<std::string>& more = {}) const {
        std::vector<std::string> options{"--annotation", "com.hooks.nvidia_cuda_mps.enabled=true", "--mount",
                                         record_ + ":/mps-record"};
        options.insert(options.end(), more.begin(), more.end());
        return options;
    }

    bool nothing_left() const { return no_process_within(control_sleep_, grace) && no_process_within(server_sleep_, grace); }

    std::string record_;
    std::string control_sleep_ = "sleep 8" + std::to_string(::getpid());
    std::string server_sleep_ = "sleep 9" + std::to_string(::getpid());
};

// The daemon runs in the command's PID namespace (its clients' PIDs must mean the same to it),
// so the pid it wrote names it in the container's /proc.
TEST_F(Mps, TheDaemonServesTheCommandsGpusAndEndsWithIt) {
    auto r = sh(image("debian.sqsh"),
                "echo $CUDA_MPS_PIPE_DIRECTORY $CUDA_MPS_LOG_DIRECTORY; cat $CUDA_MPS_LOG_DIRECTORY/control.log; "
                "stat -c %a $CUDA_MPS_PIPE_DIRECTORY; tr '\\0' ' ' < /proc/$(cat /run/nvidia-mps/*.pid)/cmdline; echo",
                mps_options({"--env", "NVIDIA_VISIBLE_DEVICES=all"}), with_site());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "/run/nvidia-mps /var/log/nvidia-mps\nstub control for GPU-first,GPU-second\n700\n" +
                         control_sleep_ + " \n") << r;
    EXPECT_EQ(tree_.read_file("record"), "start GPU-first,GPU-second\n");
    EXPECT_TRUE(nothing_left()) << "the daemon and the orphan it left outlived the command";
}

TEST_F(Mps, TheDaemonGetsOnlyTheContainersGpu) {
    auto r = sh(image("debian.sqsh"), "echo $CUDA_VISIBLE_DEVICES", mps_options({"--device", "nvidia.com/gpu=1"}),
                with_site());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "0\n") << r;
    EXPECT_EQ(tree_.read_file("record"), "start GPU-second\n");
    EXPECT_TRUE(nothing_left());
}

TEST_F(Mps, ADaemonThatFailsIsOneLineQuotingItsLog) {
    auto r = sh(image("debian.sqsh"), "echo command ran",
                mps_options({"--env", "NVIDIA_VISIBLE_DEVICES=0", "--env", "MPS_STUB_FAIL=1"}), with_site());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.out, "") << r;
    EXPECT_EQ(r.err, "skiff: error: com.hooks.nvidia_cuda_mps: /usr/bin/nvidia-cuda-mps-control exited before it was "
                     "up: stub: cannot open /dev/nvidia1\n") << r;
    EXPECT_TRUE(nothing_left());
}

TEST_F(Mps, MpsWithoutGpusIsAnError) {
    auto r = sh(image("debian.sqsh"), "echo command ran", mps_options(), with_site());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.out, "") << r;
    EXPECT_NE(r.err.find("com.hooks.nvidia_cuda_mps.enabled: MPS shares the GPUs of the built-in nvidia hook"),
              std::string::npos) << r;
    EXPECT_EQ(tree_.read_file("record"), "");
}

}  // namespace
}  // namespace skiff::test
