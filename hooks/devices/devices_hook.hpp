// The devices hook: the EDF's `devices` and `--device` (README "GPUs and other devices").
// A /dev path binds that host device at the same path; a CDI name applies the edits of the
// CDI specs on this node (hooks/cdi). Gathering checks each host device; contributing is pure.
#pragma once

#include "hooks/hook.hpp"

namespace skiff::hooks {

Result<std::optional<HookFacts>> gather_devices(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<Contribution> contribute_devices(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks
