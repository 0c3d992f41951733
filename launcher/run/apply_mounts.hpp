// Applies the plan's mounts inside the new root, in order, every destination resolved inside
// the root (style.md rule 7).
#pragma once

#include <vector>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/run/host_sources.hpp"
#include "launcher/run/timeline.hpp"

namespace skiff::run {

Result<void> apply_mounts(const plan::LaunchPlan& plan, std::vector<HostSource>& sources, int root_fd,
                          const Timeline& timeline);

}  // namespace skiff::run
