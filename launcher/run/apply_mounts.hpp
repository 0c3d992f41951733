// Applies the plan's mounts inside the new root, in order, every destination resolved inside
// the root (style.md rule 7).
#pragma once

#include <vector>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/run/host_sources.hpp"
#include "common/timeline.hpp"

namespace skiff::run {

// One mount; `index` names the files generated for it. A bind whose source was skipped is
// skipped; so is an optional destination that cannot be created (noted under -v).
Result<void> apply_mount(const plan::MountOp& op, std::size_t index, HostSource& source, int root_fd,
                         const IdMap& ids, const Timeline& timeline);

Result<void> apply_mounts(const plan::LaunchPlan& plan, std::vector<HostSource>& sources, int root_fd,
                          const Timeline& timeline);

}  // namespace skiff::run
