// Pre-built container namespaces ("spares", fast-start.md): a user and a mount namespace set up
// for one launch plan by a process that then exits, kept alive only by their nsfs descriptors
// (/proc/PID/ns/{user,mnt}) in the image server, and entered by exactly one later launch.
#pragma once

#include <sys/types.h>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

struct SpareNamespaces {
    UniqueFd user;
    UniqueFd mnt;
};

// Opens the namespaces of `pid` (a stopped child of ours, so the pid cannot be reused).
SysResult<SpareNamespaces> open_namespaces(pid_t pid);

// Joins a spare: setns into its user namespace, then its mount namespace; cwd and root are
// then the spare's "/". The process must be single-threaded and not share its fs struct.
SysResult<void> enter_namespaces(const SpareNamespaces& spare);

}  // namespace skiff::ns
