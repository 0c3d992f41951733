// The executor: applies a LaunchPlan and execs the command. It returns only on failure.
#pragma once

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/run/holder.hpp"
#include "launcher/run/timeline.hpp"

namespace skiff::run {

struct LaunchFailure {
    int exit_code;  // exit_code::setup_failed, not_executable or not_found
    Error error;
};

// With `holder`, the container is built but no command runs: the process holds it for the
// tasks of a Slurm step (holder.hpp).
LaunchFailure execute(const plan::LaunchPlan& plan, Timeline& timeline, const HolderSpec* holder = nullptr);

}  // namespace skiff::run
