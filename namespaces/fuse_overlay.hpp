// fuse-overlayfs, for kernels that refuse overlayfs in a user namespace (before Linux 5.11,
// or without user xattrs on tmpfs for the upper layer). It runs as our child, inside our
// namespaces, and dies with us (PR_SET_PDEATHSIG survives the final execve), so the mount
// namespace, and with it every mount, still ends when the container's command ends.
#pragma once

#include <string>

#include "common/sys_error.hpp"

namespace skiff::ns {

// The host's fuse-overlayfs on PATH, or ENOENT. Call before the host's /tmp is covered.
SysResult<std::string> find_fuse_overlayfs(const std::string& path_variable);

// Starts `program` on `target` and returns once the mount is in place.
SysResult<void> mount_fuse_overlay(const std::string& program, const std::string& lower,
                                   const std::string& upper, const std::string& work,
                                   const std::string& target);

}  // namespace skiff::ns
