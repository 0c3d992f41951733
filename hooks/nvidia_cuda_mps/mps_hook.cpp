#include "hooks/nvidia_cuda_mps/mps_hook.hpp"

#include <algorithm>

#include "hooks/hook_switch.hpp"
#include "hooks/nvidia/driver_files.hpp"

namespace skiff::hooks {
namespace {

constexpr const char* switch_key = "com.hooks.nvidia_cuda_mps.enabled";
constexpr const char* control_program = "nvidia-cuda-mps-control";
constexpr const char* server_program = "nvidia-cuda-mps-server";

struct MpsFacts {
    std::vector<std::string> uuids;
};

plan::MountOp private_tmpfs(const char* destination) {
    plan::MountOp op;
    op.kind = plan::MountKind::tmpfs;
    op.destination = destination;
    op.options = "mode=0700,size=16m";
    op.nosuid = op.nodev = op.noexec = true;
    op.create = plan::CreatePolicy::directory;
    op.origin = "hook nvidia_cuda_mps";
    return op;
}

}  // namespace

Result<std::optional<HookFacts>> gather_mps(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    auto on = annotation_switch(request.environment, switch_key, false);
    if (!on) return Unexpected(on.error());
    if (!*on) return std::optional<HookFacts>{};
    const std::string where = request.environment.annotations.at(switch_key).origin.str() + ": " + switch_key + ": ";
    if (!shared.nvidia)
        return fail(where + "MPS shares the GPUs of the built-in nvidia hook, and this container has none; ask for "
                            "GPUs (devices = [\"nvidia.com/gpu=all\"], or srun --gpus)");
    if (shared.nvidia->uuids.empty()) return fail(where + "MPS needs at least one GPU; NVIDIA_VISIBLE_DEVICES=none gives none");
    for (const char* program : {control_program, server_program}) {
        const auto& programs = shared.nvidia->programs;
        if (std::find(programs.begin(), programs.end(), nvidia::program_destination(program)) == programs.end())
            return fail(where + "this node has no " + program + " in the nvidia hook's programs_dirs");
    }
    return std::optional<HookFacts>(MpsFacts{shared.nvidia->uuids});
}

Result<Contribution> contribute_mps(const HookFacts& any_facts, const plan::PlanRequest&) {
    const auto& facts = std::any_cast<const MpsFacts&>(any_facts);
    Contribution c;
    c.hook = "nvidia_cuda_mps";
    c.mounts = {private_tmpfs(mps_pipe_dir), private_tmpfs(mps_log_dir)};
    c.env = {{"CUDA_MPS_PIPE_DIRECTORY", mps_pipe_dir}, {"CUDA_MPS_LOG_DIRECTORY", mps_log_dir}};
    plan::MpsDaemon daemon{nvidia::program_destination(control_program), mps_pipe_dir, mps_log_dir, ""};
    for (const auto& uuid : facts.uuids) daemon.visible_devices += (daemon.visible_devices.empty() ? "" : ",") + uuid;
    c.notes.push_back("one MPS control daemon for the container's " + std::to_string(facts.uuids.size()) +
                      " GPU(s), started before the command and ended with the container");
    c.mps = std::move(daemon);
    return c;
}

}  // namespace skiff::hooks
