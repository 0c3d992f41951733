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
#include "launcher/plan/launch_plan.hpp"

namespace skiff::hooks {

struct SlurmContribution {
    std::vector<plan::MountOp> mounts;
    std::vector<std::pair<std::string, std::string>> env;  // set only where the container has none
};

// Empty outside a Slurm step or when switched off (com.hooks.slurm.enabled, or the CE switch
// [env] ENROOT_SLURM_HOOK); `uid` names the PMIx client directory.
Result<SlurmContribution> slurm_hook(const edf::Environment& environment, const EnvMap& host, uid_t uid);

// The contribution's variables, where `env` (the container's, after the EDF) has none.
void apply_slurm_env(const SlurmContribution& contribution, EnvMap& env);

}  // namespace skiff::hooks
