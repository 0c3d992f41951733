// The mounts of a launch, in order: skiff's own container mounts, the standard hooks' (hooks/standard),
// then the EDF's.
#pragma once

#include <vector>

#include "launcher/plan/planner.hpp"

namespace skiff::plan {

// /dev, /proc, /sys, /tmp, /etc/hosts, /etc/resolv.conf.
std::vector<MountOp> standard_mounts();
MountOp from_edf(const edf::MountSpec& spec);

// The hooks' mounts, after the EDF's: skiff's private tmpfs at /.skiff when some hook injects
// libraries, each library bound read-only at /.skiff/lib/<name> (marked ldcache), then each
// hook's other mounts (devices).
std::vector<MountOp> hook_mounts(const std::vector<hooks::Contribution>& contributions);

// The linker configuration's files, applied after every other mount: written through a
// writable root (so an ldconfig inside the container can still replace them), bound
// read-only over a read-only one (ldcache.md §4).
std::vector<MountOp> linker_mounts(const LinkerConfig& linker, bool writable_root);

}  // namespace skiff::plan
