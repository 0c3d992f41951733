// SSH between the containers of a Slurm step (hooks.md §3, issue 20): the step's keys, which
// srun handed to every node (common/job_ssh_keys.hpp), and the step's node names, from the
// host environment of the launch.
#pragma once

#include <optional>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::hooks {

inline constexpr std::size_t max_job_nodes = 16384;

// nullopt without the step's keys (a launch outside srun, or an srun whose EDF had SSH off).
// The nodes are SLURM_STEP_NODELIST's (else SLURM_JOB_NODELIST's). Errors: a bad key
// variable, a host list that does not parse or has more than max_job_nodes names, or a name
// that is not a host name (letters, digits, '-', '_', '.').
Result<std::optional<plan::JobSsh>> job_ssh(const EnvMap& host_env, int port);

}  // namespace skiff::hooks
