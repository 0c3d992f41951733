// The Slurm hook (hooks.md §4): inside a Slurm step, bind the step's PMIx server directory at
// the same path and map PMIx's launcher variables to the MCA names the PMIx client reads.
// The task variables themselves reach the container through the environment layers (the
// planner) and, under the plugin, from each task (launcher/spank). Pure: no system calls;
// a missing directory is the executor's business (MissingSource::skip, noted under -v).
#pragma once

#include <utility>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/edf/edf.hpp"
#include "hooks/hook.hpp"

namespace skiff::hooks {

struct SlurmContribution {
    std::vector<plan::MountOp> mounts;
    std::vector<std::pair<std::string, std::string>> env;  // set only where the container has none
};

// Empty outside a Slurm step or when switched off (com.hooks.slurm.enabled, or the CE switch
// [env] ENROOT_SLURM_HOOK); `uid` names the PMIx client directory.
Result<SlurmContribution> slurm_hook(const edf::Environment& environment, const EnvMap& host, uid_t uid);

// The hook contract (hook.hpp): gather_slurm is pure too; its variables are set only where
// the container's environment has none.
Result<std::optional<HookFacts>> gather_slurm(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<Contribution> contribute_slurm(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks
