// The built-in NVIDIA hook on a stand-in driver tree made at test time (CI has no GPU;
// tests/ns/standin_gpu_fixture.hpp).
#include <algorithm>

#include "tests/ns/standin_gpu_fixture.hpp"

namespace skiff::test {
namespace {

const std::string& kVersion = standin_driver_version;

class Nvidia : public StandinGpuTest {
protected:
    void SetUp() override {
        StandinGpuTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        smoke_ = driver_->smoke();
    }

    static constexpr const char* probe =
        "ls /dev | grep nvidia | tr '\\n' ' '; echo; echo CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-unset}; "
        "ldconfig -p | grep -E 'libcuda|libnvidia-ml' | sed 's/ (.*=>/ =>/; s/^\\t//'; nvidia-smi 2>&1 | head -1";

    std::string smoke_;
};

TEST_F(Nvidia, AnIndexGetsThatGpuItsDriverAndItsPrograms) {
    auto r = sh(image("debian.sqsh"), probe, {"--env", "NVIDIA_VISIBLE_DEVICES=0"}, with_site());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "nvidia-uvm nvidia1 nvidiactl \nCUDA_VISIBLE_DEVICES=0\n"
                     "libnvidia-ml.so.1 => /.skiff/lib/libnvidia-ml.so.1\nlibcuda.so.1 => /.skiff/lib/libcuda.so.1\n"
                     "stub nvidia-smi 0\n") << r;
}

// tests/gpu/gpu_smoke.c, the program tests/gpu/real-gpu.sh runs on a real GPU, finds libcuda.so.1
// through the image's linker cache and sees exactly the chosen GPU.
TEST_F(Nvidia, TheDriverApiSmokeTestSeesTheChosenGpu) {
    auto r = run_in(image("debian.sqsh"), {"--device", "nvidia.com/gpu=0", "--mount", smoke_ + ":/usr/local/bin/gpu-smoke:ro"},
                    {"gpu-smoke"}, with_site());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "GPU 0 stub /dev/nvidia1: round trip ok\n") << r;
    auto none = run_in(image("debian.sqsh"), {"--mount", smoke_ + ":/usr/local/bin/gpu-smoke:ro"}, {"gpu-smoke"},
                       with_site());
    EXPECT_EQ(none.status, 2) << "no libcuda without a GPU request: " << none;
}

TEST_F(Nvidia, NothingAskedNothingGiven) {
    auto r = sh(image("debian.sqsh"), probe, {}, with_site());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "\nCUDA_VISIBLE_DEVICES=unset\n/bin/sh: 1: nvidia-smi: not found\n") << r;
}

TEST_F(Nvidia, AllFromTheHostAndDevicesByName) {
    auto all = sh(image("debian.sqsh"), "ls /dev | grep nvidia | tr '\\n' ' '; echo ${CUDA_VISIBLE_DEVICES-unset}", {},
                  with_site({{"NVIDIA_VISIBLE_DEVICES", "all"}}));
    ASSERT_EQ(all.status, 0) << all;
    EXPECT_EQ(all.out, "nvidia-uvm nvidia0 nvidia1 nvidiactl unset\n") << all;
    auto named = sh(image("debian.sqsh"), "ls /dev | grep nvidia | tr '\\n' ' '; echo $CUDA_VISIBLE_DEVICES",
                    {"--device", "nvidia.com/gpu=GPU-second"}, with_site());
    ASSERT_EQ(named.status, 0) << named;
    EXPECT_EQ(named.out, "nvidia-uvm nvidia0 nvidiactl 0\n") << named;
}

// Slurm's GPU ids name /dev/nvidiaN; each task keeps the CUDA_VISIBLE_DEVICES Slurm gave it
// (here a second task's, as under ConstrainDevices), which the hook does not renumber, and
// the driver API shows that task only its GPU.
TEST_F(Nvidia, SlurmStepGpusAreDeviceMinors) {
    auto r = sh(image("debian.sqsh"), "ls /dev | grep nvidia | tr '\\n' ' '; echo $CUDA_VISIBLE_DEVICES; gpu-smoke",
                {"--mount", smoke_ + ":/usr/local/bin/gpu-smoke:ro"},
                with_site({{"SLURM_STEP_GPUS", "0,1"}, {"CUDA_VISIBLE_DEVICES", "1"}}));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "nvidia-uvm nvidia0 nvidia1 nvidiactl 1\nGPU 0 stub /dev/nvidia1: round trip ok\n") << r;
    auto one = sh(image("debian.sqsh"), "ls /dev | grep nvidia | tr '\\n' ' '; echo $CUDA_VISIBLE_DEVICES", {},
                  with_site({{"SLURM_STEP_GPUS", "1"}, {"CUDA_VISIBLE_DEVICES", "0"}}));
    ASSERT_EQ(one.status, 0) << one;
    EXPECT_EQ(one.out, "nvidia-uvm nvidia1 nvidiactl 0\n") << one;
}

TEST_F(Nvidia, AGpuTheNodeLacksIsOneLine) {
    auto r = sh(image("debian.sqsh"), "true", {"--device", "nvidia.com/gpu=2"}, with_site());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: nvidia hook: nvidia.com/gpu=2 (command line): this node has no GPU '2' (it has "
                     "0=GPU-first (/dev/nvidia1) 1=GPU-second (/dev/nvidia0))\n") << r;
}

// The network hooks' musl rule: asked for, an error; the job's default, one warning.
TEST_F(Nvidia, MuslImagesFailWhenAskedAndWarnOtherwise) {
    auto asked = sh(image("musl.sqsh"), "true", {"--env", "NVIDIA_VISIBLE_DEVICES=all"}, with_site());
    EXPECT_EQ(asked.status, 125) << asked;
    EXPECT_EQ(asked.err, "skiff: error: nvidia hook: NVIDIA_VISIBLE_DEVICES=all (command line): the image uses musl, "
                         "and the driver's libraries need glibc\n") << asked;
    auto by_default = sh(image("musl.sqsh"), "ls /dev | grep -c nvidia", {}, with_site({{"SLURM_STEP_GPUS", "1"}}));
    EXPECT_EQ(by_default.out, "0\n") << by_default;
    EXPECT_EQ(by_default.err, "skiff: warning: nvidia hook: the image uses musl, and the driver's libraries need glibc; "
                              "no GPU for this container (SLURM_STEP_GPUS=1 (Slurm))\n") << by_default;
}

TEST_F(Nvidia, ANodeWithoutTheDriver) {
    auto site = tree_.write_file("nodriver.toml", "[hooks.nvidia]\ndriver_proc = \"" + tree_ / "nothing" + "\"\n");
    auto run = with_site({{"SKIFF_CONFIG", site}});
    auto asked = sh(image("debian.sqsh"), "true", {"--device", "nvidia.com/gpu=all"}, run);
    EXPECT_EQ(asked.status, 125) << asked;
    EXPECT_EQ(asked.err, "skiff: error: nvidia hook: nvidia.com/gpu=all (command line): this node has no NVIDIA driver "
                         "(no " + tree_ / "nothing" + "/version)\n") << asked;
    (*run.env)["NVIDIA_VISIBLE_DEVICES"] = "all";
    auto image_default = sh(image("debian.sqsh"), "echo ran", {}, run);
    EXPECT_EQ(image_default.status, 0) << image_default;
    EXPECT_EQ(image_default.out, "ran\n");
    EXPECT_EQ(image_default.err, "") << "a CUDA image on a node without GPUs is not worth a warning";
    (*run.env)["SLURM_STEP_GPUS"] = "0";
    auto slurm = sh(image("debian.sqsh"), "echo ran", {}, run);
    EXPECT_EQ(slurm.status, 0) << slurm;
    EXPECT_EQ(slurm.err, "skiff: warning: nvidia hook: this node has no NVIDIA driver (no " + tree_ / "nothing" +
                             "/version); no GPU for this container (SLURM_STEP_GPUS=0 (Slurm))\n") << slurm;
}

TEST_F(Nvidia, DryRunSaysWhatAndWhy) {
    auto r = run_in(image("debian.sqsh"), {"--dry-run", "--env", "NVIDIA_VISIBLE_DEVICES=1"}, {"true"}, with_site());
    ASSERT_EQ(r.status, 0) << r;
    for (const std::string line : {"hook     nvidia: driver 550.54.15, NVIDIA_VISIBLE_DEVICES=1 (command line)",
                                   "hook     nvidia: GPU 0: 0000:02:00.0 GPU-second (/dev/nvidia0)",
                                   "hook     nvidia: not in the container: 0000:01:00.0 GPU-first (/dev/nvidia1)",
                                   "-> /usr/bin/nvidia-smi [ro,bind,nosuid,nodev,rprivate]",
                                   "-> /.skiff/lib/libcuda.so.1 [ro,bind,rprivate,ldcache] create=file missing-source=error (hook nvidia: driver 550.54.15)",
                                   "-> /lib/firmware/nvidia/550.54.15 [ro,bind,nosuid,nodev,rprivate]",
                                   "env      CUDA_VISIBLE_DEVICES=\"0\""})
        EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

// CDI (hooks/cdi) through the real executor: a YAML spec of nvidia.com/gpu on the node takes
// the GPU over from the built-in hook; its device nodes, env, bind, update-ldcache and
// create-symlinks all reach the container.
TEST_F(Nvidia, ACdiSpecOfTheKindTakesOver) {
    std::string lib = tree_ / "lib/libcuda.so." + kVersion;
    tree_.write_file("cdi/nvidia.yaml",
                     "cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: \"0\"\n  containerEdits:\n"
                     "    deviceNodes: [{path: /dev/nvidia0, hostPath: " + tree_ / "dev/nvidia1" + "}]\n"
                     "containerEdits:\n  env: [CDI_TEST=yes]\n"
                     "  deviceNodes: [{path: /dev/nvidiactl, hostPath: " + tree_ / "dev/nvidiactl" + "}]\n"
                     "  mounts: [{hostPath: " + lib + ", containerPath: /usr/lib64/libcuda.so." + kVersion +
                     ", options: [ro, nosuid, nodev, bind]}]\n  hooks:\n"
                     "  - {hookName: createContainer, path: /usr/bin/nvidia-cdi-hook, args: [nvidia-cdi-hook, update-ldcache, --folder, /usr/lib64]}\n"
                     "  - {hookName: createContainer, path: /usr/bin/nvidia-cdi-hook, args: [nvidia-cdi-hook, create-symlinks, --link, libcuda.so.1::/usr/lib64/libcuda.so]}\n");
    auto site = tree_.write_file("cdi.toml", "[hooks.cdi]\nspec_dirs = [\"" + tree_ / "cdi" + "\"]\n");
    auto run = with_site({{"SKIFF_CONFIG", site}});
    auto r = run_in(image("debian.sqsh"), {"--device", "nvidia.com/gpu=0", "--mount", smoke_ + ":/usr/local/bin/gpu-smoke:ro"},
                    {"sh", "-c", "ls /dev | grep nvidia | tr '\\n' ' '; echo $CDI_TEST; readlink /usr/lib64/libcuda.so; gpu-smoke"},
                    run);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "nvidia0 nvidiactl yes\nlibcuda.so.1\nGPU 0 stub /dev/nvidia0: round trip ok\n") << r;
    auto said = run_in(image("debian.sqsh"), {"-v", "--device", "nvidia.com/gpu=0"}, {"true"}, run);
    EXPECT_NE(said.err.find("nvidia: the GPUs asked for come from the node's CDI spec of kind nvidia.com/gpu"),
              std::string::npos) << said.err;
    auto unknown = run_in(image("debian.sqsh"), {"--device", "nvidia.com/gpu=7"}, {"true"}, run);
    EXPECT_EQ(unknown.status, 125) << unknown;
    EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown;
    EXPECT_NE(unknown.err.find("nvidia.com/gpu=7"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace skiff::test
