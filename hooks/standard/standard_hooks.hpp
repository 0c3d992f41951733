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
#include "hooks/contribution.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::hooks::standard {

struct Switches {
    bool passwd = true;
    bool localtime = true;
    bool home = false;
    bool shm = true;
};

// [hooks.standard] of the site configuration (nullptr or no table: the defaults above).
Result<Switches> read_switches(const site::SiteConfig* site);

// The contributions (mounts only) of the switched-on hooks, in this order: shm, passwd, localtime, home.
// Their mounts come after skiff's own (/dev, /proc, /sys, /tmp, hosts, resolv.conf) and before
// the EDF's, so an EDF can still mount inside the home directory.
std::vector<Contribution> contribute(const plan::PlanRequest& request, const Switches& switches);

}  // namespace skiff::hooks::standard
