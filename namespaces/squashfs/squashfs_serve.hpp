// The server side of squashfs_server.hpp: runs in the double-forked child, never returns.
#pragma once

#include <sys/types.h>

#include <string>

#include "namespaces/squashfs/squashfs_fuse.hpp"

namespace skiff::ns {

// `profile_directory`: where read profiles live (squashfs_profile.hpp); empty: none. It is
// opened before the caller's descriptors are closed, so it may be the caller's /proc/self/fd/N.
[[noreturn]] void serve_squashfs(int control_fd, const std::string& image, uid_t uid, gid_t gid,
                                 const ServeLimits& limits, const std::string& profile_directory);

}  // namespace skiff::ns
