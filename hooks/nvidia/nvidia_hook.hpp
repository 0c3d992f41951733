// The built-in NVIDIA hook (gpu.md §1-§2, README "GPUs"): for the GPUs a launch asks for
// (gpu_request.hpp), the driver's libraries of the host's version, found through the host's
// ld.so.cache and injected through skiff's own linker cache (no ldconfig, no LD_LIBRARY_PATH);
// its programs at /usr/bin; the control and capability device nodes and the chosen GPUs'
// /dev/nvidiaN in the container's own /dev, which has no other GPU's node. gather() reads the
// host; contribute() is pure.
#pragma once

#include "hooks/hook.hpp"

namespace skiff::hooks {

Result<std::optional<HookFacts>> gather_nvidia(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag);
Result<Contribution> contribute_nvidia(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks
