// Phase one of the executor, still seeing the host's filesystem: start the squashfs servers,
// then (inside the namespace) take a detached clone of every host path the plan binds, so the
// later steps never resolve a host path again.
#pragma once

#include <optional>
#include <vector>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "namespaces/squashfs/squashfs_server.hpp"

namespace skiff::run {

struct HostSource {
    UniqueFd tree;       // detached clone of the source (bind), invalid if skipped
    bool is_directory = false;
    std::optional<ns::SquashfsServer> server;  // sqsh mounts
    UniqueFd fuse;       // sqsh mounts: /dev/fuse opened inside the namespace
};

// The error of one mount operation: its origin (EDF key, hook, ...), source and destination.
Error mount_error(const plan::MountOp& op, const SysError& error);

// Before the user namespace: one server per squashfs (the image first, if it is one and no
// warm clone of it was had).
Result<std::optional<ns::SquashfsServer>> start_cold_server(const plan::LaunchPlan& plan);
Result<std::vector<HostSource>> start_sqsh_servers(const plan::LaunchPlan& plan);

// Inside the namespace: clones of bind sources and the /dev/fuse fds, index-aligned with
// plan.mounts.
Result<void> open_host_sources(const plan::LaunchPlan& plan, std::vector<HostSource>& sources);

// The clone of one bind source (nothing for other kinds; invalid tree if skipped as missing).
Result<void> open_host_source(const plan::MountOp& op, HostSource& source);

}  // namespace skiff::run
