// Stage 3 of a launch (launcher/README.md): applies a LaunchPlan and execs its command. Three
// entries share the steps of launch.cpp; each returns only on failure.
#pragma once

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/run/holder.hpp"
#include "common/timeline.hpp"

namespace skiff::run {

// What a container and a spare builder add to the OOM score adjustment they started with, and
// the FUSE servers they depend on keep (namespaces/oom_score.hpp): when memory runs out, the
// kernel then kills the command, or a builder, before the image server whose death would take
// every container of the image with it. One unit weighs 0.1 % of the node's memory, far more
// than a server's few MiB, and barely moves the command against anything else on the node.
constexpr int oom_rank_above_servers = 1;

struct LaunchFailure {
    int exit_code;  // exit_code::setup_failed, not_executable or not_found
    Error error;
};

// The container of `plan`, then its command.
LaunchFailure launch(const plan::LaunchPlan& plan, Timeline& timeline);

// The container of `plan`, held for the tasks of a Slurm step instead of running a command
// (holder.hpp).
LaunchFailure launch_holder(const plan::LaunchPlan& plan, Timeline& timeline, const HolderSpec& holder);

// Builds a spare (spare_builder.hpp): the container of `plan` up to and including the pivot,
// with a clone from the image server, no workdir and no command. Once built it writes "R" and
// the server's token (image_server.hpp, request_spare_tree) to `ready_fd`, waits for EOF on
// `hold_fd` (its parent has then opened the namespaces) and exits. Returns only on failure.
LaunchFailure build_spare(const plan::LaunchPlan& plan, int ready_fd, int hold_fd);

}  // namespace skiff::run
