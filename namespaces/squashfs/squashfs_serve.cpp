// Prefix legend: fuse_ libfuse3 low-level API.
#include "namespaces/squashfs/squashfs_serve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "namespaces/fd_passing.hpp"
#include "namespaces/held_dir.hpp"
#include "namespaces/squashfs/profile_use.hpp"
#include "namespaces/squashfs/squashfs_fuse.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns {
namespace {

// Keeps `profiles` (at 4 or above, or -1) besides the control socket.
void detach_from_caller(int control_fd, int profiles) {
    ::setsid();  // terminal signals (Ctrl-C) go to the container, not to its file server
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);  // never hold the caller's pipes open
    if (control_fd != 3) {
        ::dup2(control_fd, 3);
        control_fd = 3;
    }
    close_descriptors_from(4, {profiles});
}

// The caller names the directory of read profiles through a descriptor of its own
// (/proc/self/fd/N, held_dir.hpp), which detach_from_caller() closes: hold it as ours, above
// the control socket's number.
UniqueFd hold_profile_directory(const std::string& path) {
    if (path.empty()) return {};
    UniqueFd opened(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!opened.valid()) return {};
    return UniqueFd(::fcntl(opened.get(), F_DUPFD_CLOEXEC, 4));
}

}  // namespace

void serve_squashfs(int control_fd, const std::string& image, uid_t uid, gid_t gid, const ServeLimits& limits,
                    const std::string& profile_directory) {
    UniqueFd profiles = hold_profile_directory(profile_directory);
    detach_from_caller(control_fd, profiles.get());
    control_fd = 3;
    std::string problem;
    SquashfsFuse* fs = open_squashfs_fuse(image, uid, gid, limits, problem);
    if (!fs) {
        (void)send_message(control_fd, "E" + problem);
        ::_exit(1);
    }
    // Before answering: the helper decompresses while the launcher builds its namespaces.
    auto profile = start_profile(fs, profiles.valid() ? path_through(profiles.get()) : "");
    (void)send_message(control_fd, "R");
    auto message = receive_message(control_fd);
    if (!message || !message->fd.valid()) ::_exit(0);  // the launcher gave up before mounting
    fuse_session* session = start_fuse_session(fs, message->fd.release());
    if (!session) ::_exit(1);
    int rc = serve_fuse_session(fs, session);  // returns when the mount is gone (ENODEV)
    fuse_session_unmount(session);
    if (profile) profile->save();
    ::_exit(rc < 0 ? 1 : 0);
}

}  // namespace skiff::ns
