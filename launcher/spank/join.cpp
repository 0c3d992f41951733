// A task enters the container: the holder's user namespace first (it owns the mount
// namespace, and joining it gives the rights to join that), then its mount namespace, whose
// root becomes the task's root and working directory.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <cerrno>
#include <cstring>

#include "launcher/spank/plugin.hpp"

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

// Joining a user namespace grants every capability in it; the task must exec with none.
bool drop_privileges(std::string& error) {
    for (int cap = 0; cap <= 63; ++cap)
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            error = std::string("cannot drop capabilities: ") + std::strerror(errno);
            return false;
        }
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    bool ok = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 &&
              ::syscall(SYS_capset, &header, data) == 0 && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    if (!ok) error = std::string("cannot drop privileges: ") + std::strerror(errno);
    return ok;
}

}  // namespace

bool join_container(const Container& container, std::string& error) {
    if (!enter(container.holder, "user", CLONE_NEWUSER, error) || !enter(container.holder, "mnt", CLONE_NEWNS, error))
        return false;
    if (::chdir(container.workdir.c_str()) != 0) {
        error = "workdir '" + container.workdir + "' does not exist in the container";
        return false;
    }
    return drop_privileges(error);
}

}  // namespace skiff::spank
