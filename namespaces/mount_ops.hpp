// Thin wrappers over mount(2) and the new mount API (open_tree, move_mount, mount_setattr).
// Each returns a SysError naming the operation and path; none decides policy.
#pragma once

#include <string>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

enum class Propagation { unchanged, private_, slave };

struct MountAttributes {
    bool read_only = false;
    bool nosuid = false;
    bool nodev = false;
    bool noexec = false;
    Propagation propagation = Propagation::unchanged;
};

// mount --make-rslave /: host mount events still reach us, ours never reach the host.
SysResult<void> make_root_rslave();

// A detached copy of the mount tree at `host_path` (recursive or the top mount only).
SysResult<UniqueFd> clone_tree(const std::string& host_path, bool recursive);

// Sets attributes on a (detached or attached) mount fd. Only adds flags, so flags locked by
// the host mount (a user namespace cannot clear them) stay as they are.
SysResult<void> set_attributes(int mount_fd, const MountAttributes& attributes, bool recursive,
                               const std::string& what);

// Attaches a detached mount onto the directory or file `target_fd` (an O_PATH fd).
SysResult<void> attach(int mount_fd, int target_fd, const std::string& target_path);

// mount -t tmpfs at `path` with `options` (e.g. "mode=0755,size=...").
SysResult<void> mount_tmpfs(const std::string& path, const std::string& options);

// mount -t overlay with lowerdir/upperdir/workdir at `target`.
SysResult<void> mount_overlay(const std::string& lower, const std::string& upper,
                              const std::string& work, const std::string& target);

// pivot_root(".", ".") into the current directory, then a detach of the old root.
SysResult<void> pivot_into_cwd();

}  // namespace skiff::ns

namespace skiff::ns {

// Makes the mount at `path` read-only (that mount only, not the mounts below it).
SysResult<void> make_read_only(const std::string& path);

}  // namespace skiff::ns

namespace skiff::ns {

// A fresh devpts instance on /dev/pts (newinstance, ptmxmode=0666, mode=0620, no gid= since the
// `tty` group is not mapped) with its ptmx bound over /dev/ptmx: PTYs for a process of the
// namespace that the host's devpts would refuse (hooks.md §3.6). Call in a mount namespace of
// its own, so that the container's command keeps the host's /dev/pts and its ttyname().
SysResult<void> mount_fresh_devpts();

}  // namespace skiff::ns
