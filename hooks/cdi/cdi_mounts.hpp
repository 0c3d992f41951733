// CDI deviceNodes and mounts as plan operations (gpu.md §3, §6).
//   - A device node is bound from the host (hostPath, else path) onto an empty file: rootless,
//     mknod is denied. It stays writable, with nosuid and noexec; uid, gid and fileMode are moot
//     (no chown/chmod of host nodes). A node missing on the host is an error.
//   - A mount is a bind (type "" or "bind"; any other type is an error) with the options of
//     mount_options below; other options are errors.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "hooks/cdi/cdi_spec.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::cdi {

// The bind of one device node; `label` names the spec and device ("nvidia.com/gpu=0 (FILE)").
Result<plan::MountOp> device_node_mount(const DeviceNode& node, const std::string& label);

// The bind of one mount. Options: ro/rw, nosuid/suid, nodev/dev, noexec/exec, bind/rbind
// (default rbind), private/rprivate/slave/rslave; atime options are noted in `notes` and
// left to the host mount (a userns bind keeps its locked atime flags).
Result<plan::MountOp> cdi_mount(const Mount& mount, const std::string& label, std::vector<std::string>& notes);

}  // namespace skiff::cdi
