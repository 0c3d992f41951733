#include "namespaces/pidfd.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::ns {

UniqueFd open_pidfd(pid_t pid) { return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))); }

void wait_for_exit(pid_t pid) {
    UniqueFd pidfd = open_pidfd(pid);
    if (!pidfd.valid()) return;
    pollfd pfd{pidfd.get(), POLLIN, 0};
    while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {}
}

}  // namespace skiff::ns
