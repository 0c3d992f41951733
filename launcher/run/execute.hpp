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

// Builds a spare (spare_builder.hpp): the container of `plan` up to and including the pivot,
// with a clone from the image server, no workdir and no command. Once built it writes "R" and
// the server's token (image_server.hpp, request_spare_tree) to `ready_fd`, waits for EOF on
// `hold_fd` (its parent has then opened the namespaces) and exits. Returns only on failure.
LaunchFailure build_spare(const plan::LaunchPlan& plan, int ready_fd, int hold_fd);

}  // namespace skiff::run
