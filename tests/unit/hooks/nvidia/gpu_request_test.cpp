// Which GPUs a launch asks for, and which of the node's GPUs that means.
#include "hooks/nvidia/gpu_request.hpp"

#include <gtest/gtest.h>

namespace skiff::hooks::nvidia {
namespace {

using Kind = GpuRequest::Kind;

struct Inputs {
    std::vector<edf::Sourced<std::string>> devices;
    EnvMap host;
    std::map<std::string, edf::Sourced<std::string>> edf_env;
    std::vector<std::pair<std::string, std::string>> image_env;
    Result<GpuRequest> request() const { return gpu_request({devices, host, edf_env, image_env}); }
};

DriverInfo two_gpus() {
    return {"550.54.15", {{"0000:19:00.0", "GPU-a", 1, "H200"}, {"0000:3b:00.0", "GPU-b", 0, "H200"}}};
}

TEST(NvidiaGpuRequest, NothingByDefault) {
    auto r = Inputs{}.request();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, Kind::nothing);
}

TEST(NvidiaGpuRequest, DevicesWinAndAreExplicit) {
    Inputs in;
    in.devices = {{"/dev/fuse", {"a.toml", 2}}, {"nvidia.com/gpu=1", {"a.toml", 3}}, {"nvidia.com/gpu=GPU-b", {"command line", 0}}};
    in.host = {{"SLURM_STEP_GPUS", "0"}};
    in.image_env = {{"NVIDIA_VISIBLE_DEVICES", "all"}};
    auto r = in.request();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, Kind::listed);
    EXPECT_EQ(r->ids, (std::vector<std::string>{"1", "GPU-b"}));
    EXPECT_TRUE(r->explicit_request);
    EXPECT_EQ(r->why, "nvidia.com/gpu=1 (a.toml:3), nvidia.com/gpu=GPU-b (command line)");
}

TEST(NvidiaGpuRequest, SlurmBeatsTheEnvironmentAndIsTheJobsDefault) {
    Inputs in;
    in.host = {{"SLURM_STEP_GPUS", "2,3"}, {"SLURM_JOB_GPUS", "0,1,2,3"}, {"NVIDIA_VISIBLE_DEVICES", "all"}};
    in.edf_env["NVIDIA_VISIBLE_DEVICES"] = {"0", {"a.toml", 5}};
    auto r = in.request();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, Kind::minors);
    EXPECT_EQ(r->ids, (std::vector<std::string>{"2", "3"}));
    EXPECT_FALSE(r->explicit_request);
    EXPECT_EQ(r->why, "SLURM_STEP_GPUS=2,3 (Slurm)");
}

TEST(NvidiaGpuRequest, TheEdfBeatsTheImageWhichBeatsTheHost) {
    Inputs in;
    in.host = {{"NVIDIA_VISIBLE_DEVICES", "none"}};
    in.image_env = {{"NVIDIA_VISIBLE_DEVICES", "void"}, {"NVIDIA_VISIBLE_DEVICES", "all"}};
    auto image = in.request();
    ASSERT_TRUE(image);
    EXPECT_EQ(image->kind, Kind::all) << "the image's last value";
    EXPECT_FALSE(image->explicit_request);
    EXPECT_EQ(image->why, "NVIDIA_VISIBLE_DEVICES=all (the image)");
    in.edf_env["NVIDIA_VISIBLE_DEVICES"] = {"", {"a.toml", 5}};
    auto unset = in.request();
    ASSERT_TRUE(unset);
    EXPECT_EQ(unset->kind, Kind::nothing) << "an EDF \"\" unsets it";
    in.image_env.clear();
    in.edf_env.clear();
    auto host = in.request();
    ASSERT_TRUE(host);
    EXPECT_EQ(host->kind, Kind::driver_only);
    EXPECT_EQ(host->why, "NVIDIA_VISIBLE_DEVICES=none (the host)");
}

TEST(NvidiaGpuRequest, ValuesOfTheVariable) {
    Inputs in;
    for (auto [value, kind] : {std::pair{"void", Kind::nothing}, {"none", Kind::driver_only}, {"all", Kind::all},
                               {"0,GPU-b", Kind::listed}}) {
        in.edf_env["NVIDIA_VISIBLE_DEVICES"] = {value, {"a.toml", 1}};
        auto r = in.request();
        ASSERT_TRUE(r) << value;
        EXPECT_EQ(r->kind, kind) << value;
        EXPECT_TRUE(r->explicit_request);
    }
    in.edf_env["NVIDIA_VISIBLE_DEVICES"] = {"MIG-1234", {"a.toml", 1}};
    auto mig = in.request();
    ASSERT_FALSE(mig);
    EXPECT_EQ(mig.error().message, "NVIDIA_VISIBLE_DEVICES=MIG-1234 (a.toml:1): MIG devices are not supported yet; name whole GPUs");
    in.edf_env["NVIDIA_VISIBLE_DEVICES"] = {"${GPUS}", {"a.toml", 4}};
    EXPECT_FALSE(in.request());
}

TEST(NvidiaGpuRequest, IndicesUuidsAndMinorsName) {
    auto driver = two_gpus();
    auto listed = requested_gpus({Kind::listed, {"GPU-b", "0", "1"}, "w", true}, driver);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 2u) << "GPU-b and index 1 are the same GPU";
    EXPECT_EQ((*listed)[0].uuid, "GPU-b");
    EXPECT_EQ((*listed)[1].uuid, "GPU-a");
    auto minors = requested_gpus({Kind::minors, {"1"}, "w", false}, driver);
    ASSERT_TRUE(minors);
    ASSERT_EQ(minors->size(), 1u);
    EXPECT_EQ((*minors)[0].uuid, "GPU-a") << "minor 1 is /dev/nvidia1, NVML index 0";
    auto all = requested_gpus({Kind::all, {}, "w", false}, driver);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u);
    auto missing = requested_gpus({Kind::listed, {"2"}, "w", true}, driver);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "this node has no GPU '2' (it has 0=GPU-a (/dev/nvidia1) 1=GPU-b (/dev/nvidia0))");
}

}  // namespace
}  // namespace skiff::hooks::nvidia
