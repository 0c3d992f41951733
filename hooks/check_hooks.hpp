// `skiff edf check`: every check of the built-in hooks that `skiff run` makes before the
// command starts and that needs neither the image nor a launch. Left to `run`: what the
// image decides (its C library and linker cache, the glibc versions an injected library
// needs), the site's host libraries, plugin directories and devices, and whether the site's
// "auto" device exists; checked here although they read the node: the SSH key file and the
// node's OpenSSH server, when the EDF switches the SSH hook on.
#pragma once

#include "common/diagnostics.hpp"
#include "common/env_map.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks {

// Each problem goes to diag as one error line: a switch annotation that is not a switch, a
// hook asked for that the site does not configure, an unknown aws_ofi_nccl variant, a bad
// site table, SSH settings without a usable key file or server.
void check_hooks(const edf::Environment& environment, const site::SiteConfig& site, const EnvMap& host_env,
                 Diagnostics& diag);

}  // namespace skiff::hooks
