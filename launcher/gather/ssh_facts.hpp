// What the SSH hook needs from the host before planning (hooks.md §3.2): the user's key file,
// and the host's OpenSSH server programs (found by hooks/ssh/find_server) with their DT_NEEDED
// closure and the host's loader. Nothing is run.
#pragma once

#include <optional>

#include "common/error.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::gather {

// nullopt when com.hooks.ssh is off. Errors name the annotation, site key or file and what to do.
Result<std::optional<plan::SshServer>> read_ssh_facts(const edf::Environment& environment, bool map_root,
                                                      const site::SiteConfig* site);

// For `edf check` of an EDF that switches the hook on: is there a usable OpenSSH server here?
Result<void> check_ssh_host(const edf::Environment& environment, const site::SiteConfig* site);

}  // namespace skiff::gather
