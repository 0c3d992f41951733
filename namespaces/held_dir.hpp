// Directories held open and reached only through their descriptor (O_PATH). A path is looked
// up again at every use, so a directory checked by its path can be swapped for another between
// the check and the use by anyone who may rename an entry along that path; a descriptor stays
// on the directory it was opened on, wherever that directory is moved.
//
// Calls that take only a path (bind and connect on a unix socket, skiff's cache readers and
// writers) reach the directory as /proc/self/fd/N/NAME. The kernel resolves that magic link to
// the open file's own dentry and mount (proc(5), /proc/pid/fd; fs/proc/base.c,
// proc_fd_link), not by walking the path the directory was opened by, so renaming the
// directory or any directory above it changes nothing; only NAME is looked up in it.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <initializer_list>
#include <string>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

// openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW): a symlink at `name` is refused
// (ENOTDIR), not followed; `parent` may be AT_FDCWD. `shown` names the directory in errors.
SysResult<UniqueFd> open_directory(int parent, const std::string& name, const std::string& shown);

// mkdirat(parent, name, mode); EEXIST is an error too, for the caller to tell apart.
SysResult<void> make_directory(int parent, const std::string& name, mode_t mode, const std::string& shown);

SysResult<struct stat> status_of(int fd, const std::string& shown);

// "/proc/self/fd/N": a path that resolves through the directory held as `fd` (see above).
std::string path_through(int fd);

// Closes every descriptor from `first` up, except those in `keep` (-1 entries are ignored).
void close_descriptors_from(int first, std::initializer_list<int> keep);

}  // namespace skiff::ns
