// The standard hooks every user expects (README "Standard hooks"), built in and each switched
// in the site configuration's [hooks.standard] table:
//   passwd     the image's /etc/passwd and /etc/group plus the user's entries   (on)
//   localtime  the host's /etc/localtime                                         (on)
//   home       the user's home directory at the same path, read-write           (off, as on CSCS systems)
//   shm        the host's /dev/shm, shared with host processes (MPI, PMIx); off:
//              a private tmpfs instead                                           (on)
// Each is a planner contribution (mount operations); none acts by itself (style.md rule 2).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "hooks/hook.hpp"
#include "hooks/standard/standard_switches.hpp"

namespace skiff::hooks::standard {

// The hook contract (hook.hpp) of each: mounts only, after skiff's own (/dev, /proc, /sys, /tmp,
// hosts, resolv.conf) and before the EDF's, so that an EDF can still mount inside the home
// directory. Pure: the switches come from the site configuration, already read.
Result<std::optional<HookFacts>> gather_shm(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<std::optional<HookFacts>> gather_passwd(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<std::optional<HookFacts>> gather_localtime(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<std::optional<HookFacts>> gather_home(const plan::PlanRequest& request, SharedFacts&, Diagnostics&);
Result<Contribution> contribute_shm(const HookFacts& facts, const plan::PlanRequest& request);
Result<Contribution> contribute_passwd(const HookFacts& facts, const plan::PlanRequest& request);
Result<Contribution> contribute_localtime(const HookFacts& facts, const plan::PlanRequest& request);
Result<Contribution> contribute_home(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks::standard
