// The server side of squashfs_server.hpp: runs in the double-forked child, never returns.
#pragma once

#include <sys/types.h>

#include <string>

namespace skiff::ns {

[[noreturn]] void serve_squashfs(int control_fd, const std::string& image, uid_t uid, gid_t gid);

}  // namespace skiff::ns
