// The cold-path squashfs server (../shared/reference/fast-start.md): a double-forked process in
// the host namespaces that opens the image with libsquashfuse and serves the /dev/fuse fd the
// launcher sends it after mounting inside the user namespace. It ends by itself when the mount
// goes away (the last container process exits) or when the launcher dies before mounting.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"
#include "namespaces/squashfs/squashfs_fuse.hpp"

namespace skiff::ns {

struct SquashfsServer {
    std::string image;  // host path of the squashfs file
    UniqueFd control;   // our end of the socketpair; closing it before a mount ends the server
    pid_t spawner = -1; // the short-lived middle process of the double fork, reaped on mount
};

// Starts the server for `image`, whose files will appear owned by `uid`/`gid` as the server
// reports them (ids as seen inside the container's user namespace). Returns at once; an image
// the server cannot read is reported by mount_squashfs(). `profile_directory` holds read
// profiles (squashfs_profile.hpp): the server prefetches the blocks the last launch of the
// image needed and records this launch's; empty: neither.
SysResult<SquashfsServer> start_squashfs_server(const std::string& image, uid_t uid, gid_t gid,
                                                const ServeLimits& limits, const std::string& profile_directory = {});

// Opens /dev/fuse. Must be called *inside* the user namespace: the kernel requires the device's
// opener to be in the mounting user namespace, else mount() fails with EINVAL.
SysResult<UniqueFd> open_fuse_device();

// Mounts `fuse` read-only at `target` and hands it to the server, which then serves it.
// `inside_uid`/`inside_gid` are the mounter's ids in the namespace.
SysResult<void> mount_squashfs(SquashfsServer& server, UniqueFd fuse, const std::string& target,
                               uid_t inside_uid, gid_t inside_gid);

}  // namespace skiff::ns
