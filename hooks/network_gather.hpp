// The network hooks' part of the hook contract (hook.hpp): cxi and aws_ofi_nccl are chosen
// together (network_hooks.hpp), read the image's linker and the host's libraries once, and
// compute their contributions while gathering, since that means probing host files; their
// contribute() only hands the result on.
#pragma once

#include "hooks/hook.hpp"

namespace skiff::hooks {

Result<std::optional<HookFacts>> gather_cxi(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag);
Result<std::optional<HookFacts>> gather_nccl(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag);

// The contribution gather_cxi or gather_nccl found.
Result<Contribution> gathered_contribution(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks
