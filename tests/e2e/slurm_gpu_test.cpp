// The NVIDIA hook under srun with Slurm's own GPU scheduling: the node has two GPUs as GRES
// (tests/e2e/slurm/slurm-up.sh GPU_DEVICES; gres.conf names the character devices
// $SKIFF_TEST_DEVICES/nvidia/nvidia0 and nvidia1, which test-all.sh makes as root), and
// [hooks.nvidia] points at a stand-in driver (tests/support/standin_driver.hpp) whose GPUs
// have those devices' minors. The tasks of a node share one container holding the step's
// GPUs; each task must use its own through the CUDA_VISIBLE_DEVICES Slurm gave it.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "tests/e2e/slurm_fixture.hpp"
#include "tests/support/host.hpp"
#include "tests/support/standin_driver.hpp"

namespace skiff::test {
namespace {

bool is_char_device(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

std::string devices_dir() {
    const char* dir = std::getenv("SKIFF_TEST_DEVICES");
    return dir ? std::string(dir) + "/nvidia" : "";
}

class SlurmGpus : public Slurm {
protected:
    void SetUp() override {
        Slurm::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        const std::string dir = devices_dir();
        bool ready = !dir.empty();
        for (const char* node : {"nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"})
            ready = ready && is_char_device(dir + "/" + node);
        SKIFF_REQUIRE(ready, "SKIFF_TEST_DEVICES does not name a directory with character devices nvidia/nvidia0, "
                             "nvidia1, nvidiactl and nvidia-uvm (scripts/test-all.sh makes them as root with mknod)");
        auto gres = run_process({"/bin/grep", "-qxF", "Name=gpu File=" + dir + "/nvidia[0-1]", "/etc/slurm/gres.conf"});
        SKIFF_REQUIRE(gres.status == 0, "Slurm's node has no GPUs from " + dir +
                                            ": sudo tests/e2e/slurm/slurm-up.sh PLUGIN SKIFF $SKIFF_TEST_DEVICES/nvidia");
        SKIFF_REQUIRE(standin_driver_missing_tools().empty(), standin_driver_missing_tools());
        auto driver = build_standin_driver(tree_, {{"0000:01:00.0", "GPU-a", 0}, {"0000:02:00.0", "GPU-b", 1}}, dir);
        ASSERT_TRUE(driver) << driver.error().message;
        add_standin_mps(*driver, mps_control_sleep_, mps_server_sleep_);
        site_ = tree_.write_file("skiff.toml", driver->site_table());
        gpu_edf_ = dir_.write_file("gpu.toml", "image = \"" + image("debian.sqsh") + "\"\nmounts = [\"" +
                                                   driver->smoke() + ":/usr/local/bin/gpu-smoke:ro\"]\n");
        mps_record_ = tree_.write_file("mps-record", "");
        mps_edf_ = dir_.write_file("mps.toml", "base_environment = \"" + gpu_edf_ + "\"\nmounts = [\"" + mps_record_ +
                                                   ":/mps-record\"]\n[annotations]\n"
                                                   "com.hooks.nvidia_cuda_mps.enabled = \"true\"\n");
    }

    // One line per task: its rank, SLURM_STEP_GPUS, CUDA_VISIBLE_DEVICES, the container's
    // /dev/nvidiaN and what gpu-smoke says it used.
    ProcessResult srun_gpus(const std::vector<std::string>& options) const {
        std::vector<std::string> args = options;
        args.insert(args.end(), {"--environment=" + gpu_edf_, "/bin/sh", "-c",
                                 "echo \"$SLURM_PROCID step=$SLURM_STEP_GPUS cuda=${CUDA_VISIBLE_DEVICES-unset} "
                                 "dev=$(ls /dev | grep -x 'nvidia[0-9]*' | tr '\\n' ,) $(gpu-smoke 2>&1 | tr '\\n' ' ')\""});
        return srun(args, {{"SKIFF_CONFIG", site_}});
    }

    TempDir tree_{"slurm-gpus"};
    std::string site_, gpu_edf_, mps_edf_, mps_record_;
    std::string mps_control_sleep_ = "sleep 6" + std::to_string(::getpid());
    std::string mps_server_sleep_ = "sleep 7" + std::to_string(::getpid());
};

// The word after `key=` in a line of srun_gpus().
std::string field(const std::string& line, const std::string& key) {
    auto at = line.find(" " + key + "=");
    if (at == std::string::npos) return "?";
    at += key.size() + 2;
    return line.substr(at, line.find(' ', at) - at);
}

// The N of "GPU 0 stub /dev/nvidiaN: round trip ok" when gpu-smoke used exactly one GPU.
std::string smoke_gpu(const std::string& line) {
    const std::string ok = ": round trip ok";
    auto at = line.find("GPU 0 stub /dev/nvidia");
    if (at == std::string::npos || line.find("GPU 1 ") != std::string::npos) return "?";
    at += 22;
    auto end = line.find(ok, at);
    return end == std::string::npos ? "?" : line.substr(at, end - at);
}

// --gpus-per-task implies --gpu-bind=per_task:1: Slurm gives each task only its own GPU, in
// SLURM_STEP_GPUS as in CUDA_VISIBLE_DEVICES (the node's numbers here, without ConstrainDevices).
TEST_F(SlurmGpus, TwoTasksWithAGpuEachUseDifferentGpus) {
    auto r = srun_gpus({"-n2", "--gpus-per-task=1"});
    ASSERT_EQ(r.status, 0) << r;
    auto out = lines(r.out);
    ASSERT_EQ(out.size(), 2u) << r;
    std::set<std::string> ranks, given, used;
    for (const auto& line : out) {
        ranks.insert(line.substr(0, line.find(' ')));
        given.insert(field(line, "step"));
        EXPECT_EQ(field(line, "dev"), "nvidia0,nvidia1,") << "the container holds the step's GPUs, no other: " << line;
        EXPECT_EQ(smoke_gpu(line), field(line, "step")) << "the task uses the GPU Slurm gave it: " << line;
        used.insert(smoke_gpu(line));
    }
    EXPECT_EQ(ranks, (std::set<std::string>{"0", "1"})) << r;
    EXPECT_EQ(given, (std::set<std::string>{"0", "1"})) << r;
    EXPECT_EQ(used, (std::set<std::string>{"0", "1"})) << "each task uses its own GPU:\n" << r.out;
}

TEST_F(SlurmGpus, AOneGpuStepSeesExactlyThatGpu) {
    auto r = srun_gpus({"--gpus=1"});
    ASSERT_EQ(r.status, 0) << r;
    auto out = lines(r.out);
    ASSERT_EQ(out.size(), 1u) << r;
    std::string step = field(out[0], "step");
    ASSERT_TRUE(step == "0" || step == "1") << out[0];
    EXPECT_EQ(field(out[0], "dev"), "nvidia" + step + ",") << out[0];
}

// CE's MPS hook: the tasks of a node share the step's container, so they share one MPS control
// daemon, started once for both GPUs before the first task and gone with the step.
TEST_F(SlurmGpus, TheTasksOfANodeShareOneMpsDaemon) {
    auto r = srun({"-n2", "--gpus-per-task=1", "--environment=" + mps_edf_, "/bin/sh", "-c",
                   "echo \"$CUDA_MPS_PIPE_DIRECTORY $(cat $CUDA_MPS_LOG_DIRECTORY/control.log)\" "
                   "$(tr '\\0' ' ' < /proc/$(cat $CUDA_MPS_PIPE_DIRECTORY/*.pid)/cmdline)"},
                  {{"SKIFF_CONFIG", site_}});
    ASSERT_EQ(r.status, 0) << r;
    const std::string seen = "/run/nvidia-mps stub control for GPU-a,GPU-b " + mps_control_sleep_;
    EXPECT_EQ(r.out, seen + "\n" + seen + "\n") << r;
    EXPECT_EQ(tree_.read_file("mps-record"), "start GPU-a,GPU-b\n");
    EXPECT_TRUE(no_process_within(mps_control_sleep_, std::chrono::seconds(5)) &&
                no_process_within(mps_server_sleep_, std::chrono::seconds(5)))
        << "the MPS daemon or its orphan outlived the step";
}

}  // namespace
}  // namespace skiff::test
