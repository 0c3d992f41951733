// Slurm's one container per node and step (launcher/spank): the first task starts a holder,
// a skiff process that builds the container as for `skiff run`, then, instead of exec'ing a
// command, keeps the namespaces alive until the job step's slurmstepd exits. Every task of
// the node joins its user and mount namespaces.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "common/unique_fd.hpp"

namespace skiff::run {

struct HolderSpec {
    int ready_fd = -1;       // gets "R" once the container is built (errors go to stderr)
    pid_t watch_pid = -1;    // the holder exits when this process does (slurmstepd)
    std::string state_file;  // written before the container is built, read by the tasks (holder_state.hpp)
};

// Before the namespaces: the directory two levels above state_file (.../slurm for
// .../slurm/JOB.STEP/state), still reachable by fd once the holder lives in the container.
Result<UniqueFd> open_holder_base(const HolderSpec& spec);

// After the pivot: drops privileges, writes the state (atomically), says ready, waits for
// watch_pid to end, then removes the state and its directory. Never returns.
[[noreturn]] void hold(const HolderSpec& spec, const plan::LaunchPlan& plan, const EnvMap& env, UniqueFd base);

}  // namespace skiff::run
