// The MPS hook on the facts the nvidia hook leaves (hooks/hook.hpp NvidiaGpus): when it is on,
// what it needs, and the daemon, mounts and variables it gives the plan.
#include "hooks/nvidia_cuda_mps/mps_hook.hpp"

#include <gtest/gtest.h>

#include "launcher/plan/render.hpp"

namespace skiff::hooks {
namespace {

plan::PlanRequest with_switch(const std::string& value) {
    plan::PlanRequest request;
    request.environment.annotations["com.hooks.nvidia_cuda_mps.enabled"] = {value, {"/u/train.toml", 4}};
    return request;
}

SharedFacts nvidia_gave(std::vector<std::string> uuids, std::vector<std::string> programs) {
    SharedFacts shared{ImageLinkerCache({}, {})};
    shared.nvidia = NvidiaGpus{std::move(uuids), std::move(programs)};
    return shared;
}

const std::vector<std::string> mps_programs = {"/usr/bin/nvidia-smi", "/usr/bin/nvidia-cuda-mps-control",
                                               "/usr/bin/nvidia-cuda-mps-server"};

TEST(MpsHook, OffUnlessTheAnnotationSaysOn) {
    Diagnostics diag;
    auto shared = nvidia_gave({"GPU-a"}, mps_programs);
    auto absent = gather_mps(plan::PlanRequest{}, shared, diag);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(*absent);
    auto off = gather_mps(with_switch("false"), shared, diag);
    ASSERT_TRUE(off);
    EXPECT_FALSE(*off);
    auto bad = gather_mps(with_switch("yes please"), shared, diag);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("/u/train.toml:4: annotation com.hooks.nvidia_cuda_mps.enabled", 0), 0u)
        << bad.error().message;
}

TEST(MpsHook, GivesADaemonForTheContainersGpusItsDirectoriesAndVariables) {
    Diagnostics diag;
    auto shared = nvidia_gave({"GPU-b", "GPU-a"}, mps_programs);
    auto facts = gather_mps(with_switch("true"), shared, diag);
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_TRUE(*facts);
    auto c = contribute_mps(**facts, with_switch("true"));
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->mps);
    EXPECT_EQ(c->mps->control, "/usr/bin/nvidia-cuda-mps-control");
    EXPECT_EQ(c->mps->visible_devices, "GPU-b,GPU-a") << "by UUID, in the container's order";
    EXPECT_EQ(c->mps->pipe_dir, "/run/nvidia-mps");
    EXPECT_EQ(c->mps->log_dir, "/var/log/nvidia-mps");
    ASSERT_EQ(c->mounts.size(), 2u);
    for (const auto& op : c->mounts) {
        EXPECT_EQ(op.kind, plan::MountKind::tmpfs);
        EXPECT_EQ(op.options, "mode=0700,size=16m") << "the user's own, like /tmp/nvidia-mps of a daemon per user";
        EXPECT_EQ(op.create, plan::CreatePolicy::directory);
    }
    EXPECT_EQ(c->env, (std::vector<std::pair<std::string, std::string>>{
                          {"CUDA_MPS_PIPE_DIRECTORY", "/run/nvidia-mps"}, {"CUDA_MPS_LOG_DIRECTORY", "/var/log/nvidia-mps"}}));
}

TEST(MpsHook, NoGpusNoProgramsAreErrorsNamingTheAnnotation) {
    Diagnostics diag;
    SharedFacts none{ImageLinkerCache({}, {})};
    auto no_nvidia = gather_mps(with_switch("true"), none, diag);
    ASSERT_FALSE(no_nvidia);
    EXPECT_EQ(no_nvidia.error().message,
              "/u/train.toml:4: com.hooks.nvidia_cuda_mps.enabled: MPS shares the GPUs of the built-in nvidia hook, and this "
              "container has none; ask for GPUs (devices = [\"nvidia.com/gpu=all\"], or srun --gpus)");
    auto driver_only = nvidia_gave({}, mps_programs);
    auto zero = gather_mps(with_switch("true"), driver_only, diag);
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message.find("at least one GPU"), std::string::npos) << zero.error().message;
    auto without_server = nvidia_gave({"GPU-a"}, {"/usr/bin/nvidia-cuda-mps-control"});
    auto no_server = gather_mps(with_switch("true"), without_server, diag);
    ASSERT_FALSE(no_server);
    EXPECT_EQ(no_server.error().message, "/u/train.toml:4: com.hooks.nvidia_cuda_mps.enabled: this node has no "
                                         "nvidia-cuda-mps-server in the nvidia hook's programs_dirs");
}

TEST(MpsHook, TheDryRunShowsTheDaemon) {
    plan::LaunchPlan plan;
    plan.mps = plan::MpsDaemon{"/usr/bin/nvidia-cuda-mps-control", "/run/nvidia-mps", "/var/log/nvidia-mps", "GPU-a"};
    plan.argv = {"true"};
    EXPECT_NE(plan::render(plan).find("mps      /usr/bin/nvidia-cuda-mps-control -f, pipes in /run/nvidia-mps, logs "
                                           "in /var/log/nvidia-mps, CUDA_VISIBLE_DEVICES=GPU-a\n"),
              std::string::npos)
        << plan::render(plan);
}

}  // namespace
}  // namespace skiff::hooks
