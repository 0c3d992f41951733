// What the SSH hook needs from the host before planning (hooks.md §3.2): the user's key file
// and the host's sshd and sftp-server with their DT_NEEDED closure and the host's loader,
// resolved through the host's ld.so.cache. Nothing is run.
#pragma once

#include <optional>

#include "common/error.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::cli {

// nullopt when com.hooks.ssh is off. Errors name the annotation or file and what to do.
Result<std::optional<plan::SshServer>> read_ssh_facts(const edf::Environment& environment, bool map_root);

}  // namespace skiff::cli
