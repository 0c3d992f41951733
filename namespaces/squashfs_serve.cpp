// Prefix legend: fuse_ libfuse3 low-level API.
#include "namespaces/squashfs_serve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "namespaces/fd_passing.hpp"
#include "namespaces/squashfs_fuse.hpp"

#define FUSE_USE_VERSION 32
#include <fuse3/fuse_lowlevel.h>

namespace skiff::ns {
namespace {

void detach_from_caller(int control_fd) {
    ::setsid();  // terminal signals (Ctrl-C) go to the container, not to its file server
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);  // never hold the caller's pipes open
    if (control_fd != 3) {
        ::dup2(control_fd, 3);
        control_fd = 3;
    }
    ::close_range(4, ~0U, 0);
}

}  // namespace

void serve_squashfs(int control_fd, const std::string& image, uid_t uid, gid_t gid) {
    detach_from_caller(control_fd);
    control_fd = 3;
    SquashfsFuse* fs = open_squashfs_fuse(image, uid, gid);
    if (!fs) {
        (void)send_message(control_fd, "E" + image + " is not a squashfs image libsquashfuse can read");
        ::_exit(1);
    }
    (void)send_message(control_fd, "R");
    auto message = receive_message(control_fd);
    if (!message || !message->fd.valid()) ::_exit(0);  // the launcher gave up before mounting
    fuse_session* session = start_fuse_session(fs, message->fd.release());
    if (!session) ::_exit(1);
    int rc = fuse_session_loop(session);  // returns when the mount is gone (ENODEV)
    fuse_session_unmount(session);
    ::_exit(rc < 0 ? 1 : 0);
}

}  // namespace skiff::ns
