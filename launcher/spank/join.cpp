// A task enters the container: the holder's user namespace first (it owns the mount
// namespace, and joining it gives the rights to join that), then its mount namespace, whose
// root becomes the task's root and working directory.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "launcher/spank/plugin.hpp"
#include "namespaces/exec.hpp"

namespace skiff::spank {
namespace {

bool enter(pid_t holder, const char* name, int type, std::string& error) {
    std::string path = "/proc/" + std::to_string(holder) + "/ns/" + name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && ::setns(fd, type) == 0;
    if (!ok) error = std::string("cannot join the container (") + (fd < 0 ? "open " : "setns ") + path + "): " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return ok;
}

}  // namespace

bool join_container(const run::HolderState& container, std::string& error) {
    if (!enter(container.holder, "user", CLONE_NEWUSER, error) || !enter(container.holder, "mnt", CLONE_NEWNS, error))
        return false;
    if (::chdir(container.workdir.c_str()) != 0) {
        error = "workdir '" + container.workdir + "' does not exist in the container";
        return false;
    }
    // Joining a user namespace grants every capability in it; the task must exec with none.
    if (auto dropped = ns::drop_privileges(); !dropped) {
        error = "cannot drop privileges: " + dropped.error().describe();
        return false;
    }
    return true;
}

}  // namespace skiff::spank
