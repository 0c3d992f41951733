// Process handles (pidfds): a pidfd polls readable once the process has exited.
#pragma once

#include <sys/types.h>

#include "common/unique_fd.hpp"

namespace skiff::ns {

// Invalid if the process is gone. (Debian 12's <sys/pidfd.h> lacks extern "C", so C++ cannot
// link its pidfd_open(); this calls the system call directly.)
UniqueFd open_pidfd(pid_t pid);

// Blocks until the process has exited (at once if it is gone).
void wait_for_exit(pid_t pid);

}  // namespace skiff::ns
