// What the SSH hook needs from the host before planning (hooks.md §3.2): the user's key file,
// and the host's OpenSSH server programs (found by hooks/ssh/find_server) with their DT_NEEDED
// closure and the host's loader. Nothing is run.
#pragma once

#include <optional>

#include "common/error.hpp"
#include "hooks/hook.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks {

// The hook contract (hook.hpp). gather_ssh: nothing when com.hooks.ssh is off; errors name the
// annotation, site key or file and what to do. contribute_ssh: the server (started by the
// executor after every other step but the command) and the login profile that reads its
// environment file, mounted last.
Result<std::optional<HookFacts>> gather_ssh(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<Contribution> contribute_ssh(const HookFacts& facts, const plan::PlanRequest& request);

// For `edf check` of an EDF that switches the hook on: everything gather_ssh checks (the
// settings, the key file, a usable OpenSSH server on this node) but --root.
Result<void> check_ssh_host(const edf::Environment& environment, const site::SiteConfig* site);

}  // namespace skiff::hooks
