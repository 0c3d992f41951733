// Rootfs-confined path resolution: every container path is opened relative to an O_PATH fd of
// the root with openat2(RESOLVE_IN_ROOT), so an absolute or ".." symlink inside the image is
// resolved inside the image and can never reach the host (style.md rule 7).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

// O_PATH|O_DIRECTORY|O_CLOEXEC fd of a host directory that acts as a root.
SysResult<UniqueFd> open_root(const std::string& host_path);

// openat2(root, path, flags, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS). `path` is a container path.
SysResult<UniqueFd> open_in_root(int root_fd, const std::string& path, int flags);

// Reads a whole regular file inside the root (at most `limit` bytes).
SysResult<std::string> read_file_in_root(int root_fd, const std::string& path,
                                         std::size_t limit = 1 << 20);

}  // namespace skiff::ns

namespace skiff::ns {

enum class NodeKind { directory, file };

// Makes sure `path` exists inside the root, creating missing directories and, for a file, an
// empty final file. Every component is resolved inside the root, so a symlink in the image
// can only lead somewhere else in the image. Returns an O_PATH fd of the result.
SysResult<UniqueFd> ensure_in_root(int root_fd, const std::string& path, NodeKind kind);

}  // namespace skiff::ns

namespace skiff::ns {

// Writes `content` at `path` inside the root: a temporary file in the same directory, then
// renameat over the target, so the result is a plain file that a later rename (an ldconfig in
// the container) can replace. Missing parent directories are created.
SysResult<void> write_file_in_root(int root_fd, const std::string& path, const std::string& content);

// If `path` (its parent resolved inside the root) is a symlink, removes it, so that a file
// can be created and mounted there instead of on whatever the symlink names.
SysResult<void> remove_symlink_in_root(int root_fd, const std::string& path);

enum class LinkResult {
    made,           // the symlink is there (made, replaced, or already right)
    file_in_the_way,  // a file that is not a symlink is there: left alone
    other_mount,    // the parent is on another mount than the root (a bound host directory)
};

// Makes `path` inside the root a symlink whose text is `target` (not resolved), creating missing
// parent directories; an existing symlink is replaced atomically (a temporary link renamed over
// it). Only in the root's own filesystem (its writable layer): nothing is created or changed
// when the parent, or its nearest existing ancestor, is on another mount, such as a host
// directory bound into the container (/dev).
SysResult<LinkResult> symlink_in_root(int root_fd, const std::string& path, const std::string& target);

// Creates, in the host directory `dir`, one symlink per (name, target).
SysResult<void> create_symlinks(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& links);

}  // namespace skiff::ns
