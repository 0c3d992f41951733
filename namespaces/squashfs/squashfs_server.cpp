#include "namespaces/squashfs/squashfs_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <unistd.h>

#include <utility>

#include "namespaces/fd_passing.hpp"
#include "namespaces/spawn.hpp"
#include "namespaces/squashfs/squashfs_serve.hpp"

namespace skiff::ns {

SysResult<SquashfsServer> start_squashfs_server(const std::string& image, uid_t uid, gid_t gid,
                                                const ServeLimits& limits, const std::string& profile_directory) {
    auto pair = seqpacket_pair();
    if (!pair) return Unexpected(pair.error());
    auto& [ours, theirs] = *pair;
    const int launcher_end = ours.get(), server_end = theirs.get();
    // Detached: the server must not be a child of the user's command, or a command that waits
    // for all its children (a shell's `wait`) would wait for the server forever. The middle
    // process is reaped later, in mount_squashfs(), so that the launcher does not wait for it
    // to be scheduled; it must be reaped before the exec, or the command inherits it.
    auto spawner = fork_detached([&] {
        ::close(launcher_end);
        serve_squashfs(server_end, image, uid, gid, limits, profile_directory);
    });
    if (!spawner) return Unexpected(spawner.error());
    theirs.reset();
    // Not waiting for the server here lets it read the image's tables while the launcher
    // builds its namespaces; mount_squashfs() collects its answer.
    return SquashfsServer{image, std::move(ours), *spawner};
}

namespace {

// A server that refused its image is exiting; it closes its end of the socket only after the
// kernel has released its memory (do_exit: exit_mm before exit_files), so from then on no
// process of the launch still shows the image in its command line.
void await_exit(int control_fd) {
    pollfd closed{control_fd, POLLIN, 0};
    char byte;
    while (::poll(&closed, 1, 5000) > 0 && ::recv(control_fd, &byte, 1, 0) > 0) {}
}

SysResult<void> await_ready(SquashfsServer& server) {
    if (server.spawner > 0) (void)wait_status(std::exchange(server.spawner, -1));
    auto ready = receive_message(server.control.get());
    if (!ready) return Unexpected(ready.error());
    if (ready->payload == "R") return {};
    await_exit(server.control.get());
    // The server names what is wrong with the image; the caller's context names the image.
    if (ready->payload.empty()) return sys_fail("squashfs server exited", server.image, EINVAL);
    return sys_fail(ready->payload.substr(1), {}, 0);
}

}  // namespace

SysResult<UniqueFd> open_fuse_device() {
    UniqueFd fuse(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
    if (!fuse.valid()) return sys_fail("open", "/dev/fuse");
    return fuse;
}

SysResult<void> mount_squashfs(SquashfsServer& server, UniqueFd fuse, const std::string& target,
                               uid_t inside_uid, gid_t inside_gid) {
    if (auto r = await_ready(server); !r) return r;
    std::string options = "fd=" + std::to_string(fuse.get()) + ",rootmode=40000,user_id=" +
                          std::to_string(inside_uid) + ",group_id=" + std::to_string(inside_gid);
    unsigned long flags = MS_RDONLY | MS_NOSUID | MS_NODEV;
    if (::mount(server.image.c_str(), target.c_str(), "fuse.squashfuse", flags, options.c_str()) != 0)
        return sys_fail("mount fuse", target);
    if (auto r = send_message(server.control.get(), "M", fuse.get()); !r) return r;
    server.control.reset();  // the server now lives as long as the mount
    return {};
}

}  // namespace skiff::ns
