// The server side of squashfs_server.hpp: runs in the double-forked child, never returns.
#pragma once

#include <sys/types.h>

#include <string>

namespace skiff::ns {

// `profile_directory`: where read profiles live (squashfs_profile.hpp); empty: none.
[[noreturn]] void serve_squashfs(int control_fd, const std::string& image, uid_t uid, gid_t gid,
                                 const std::string& profile_directory);

}  // namespace skiff::ns
