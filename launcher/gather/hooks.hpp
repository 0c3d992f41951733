// The hooks' part of gathering: each built-in hook of the table (hooks/hook.hpp) in order,
// its facts gathered and turned into its contribution, then the dynamic-linker configuration
// for everything the hooks and the EDF inject.
#pragma once

#include <string>

#include "common/diagnostics.hpp"
#include "common/timeline.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

// Fills request.contributions and request.linker. `probe_memo`: linker_facts.hpp;
// `libc_cache`: the directory of libc_cache.hpp ("": none).
Result<void> gather_hooks(plan::PlanRequest& request, const std::string& probe_memo, const std::string& libc_cache,
                          Diagnostics& diag, Timeline& timeline);

}  // namespace skiff::gather
