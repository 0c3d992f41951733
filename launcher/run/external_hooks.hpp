// The external hooks step of a launch (hooks.md §6): the enroot-compatible hooks.d scripts run
// in order, as the user, in skiff's user and mount namespaces with their capabilities, the root
// at ENROOT_ROOTFS; then skiff applies what they wrote: ENROOT_MOUNTS confined to the root,
// ENROOT_ENVIRON to the command's environment. They see the host's file system, /tmp
// included; skiff's staging area covers only /root (staging.hpp).
#pragma once

#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "common/timeline.hpp"
#include "common/unique_fd.hpp"

namespace skiff::run {

struct HookScript {
    std::string path;
    UniqueFd fd;  // O_PATH, opened with the other host paths (launch step 3)
};

Result<std::vector<HookScript>> open_hook_scripts(const plan::LaunchPlan& plan);

// Stops at the first hook that fails, with the line of hook_failure.hpp.
Result<void> run_external_hooks(const plan::LaunchPlan& plan, const std::vector<HookScript>& scripts, int root_fd,
                                EnvMap& env, Timeline& timeline);

}  // namespace skiff::run
