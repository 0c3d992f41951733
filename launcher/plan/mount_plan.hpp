// The mounts of a launch, in order: skiff's own container mounts, the hooks' that come before
// the EDF's, the EDF's, the hooks' that come after them, the linker configuration's, the
// hooks' that come last (plan/contribution.hpp, MountPlace).
#pragma once

#include <vector>

#include "launcher/plan/planner.hpp"

namespace skiff::plan {

// /dev, /proc, /sys, /tmp, /etc/hosts, /etc/resolv.conf.
std::vector<MountOp> standard_mounts();
MountOp from_edf(const edf::MountSpec& spec);

// The mounts of the hooks placed at `place`, in hook order: skiff's private tmpfs at /.skiff
// when one of them injects libraries, each library bound read-only at /.skiff/lib/<name>
// (marked ldcache), then each hook's other mounts (devices).
std::vector<MountOp> hook_mounts(const std::vector<Contribution>& contributions, MountPlace place);

// The linker configuration's files, applied after every other mount: written through a
// writable root (so an ldconfig inside the container can still replace them), bound
// read-only over a read-only one (ldcache.md §4).
std::vector<MountOp> linker_mounts(const LinkerConfig& linker, bool writable_root);

}  // namespace skiff::plan
