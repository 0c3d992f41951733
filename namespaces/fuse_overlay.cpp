// Prefix legend: cap_ libcap.
#include "namespaces/fuse_overlay.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "namespaces/exec.hpp"

namespace skiff::ns {
namespace {

constexpr auto mount_timeout = std::chrono::seconds(10);

// fuse-overlayfs runs as the user's own uid inside the namespace, which loses every
// capability at execve; CAP_SYS_ADMIN as an ambient capability (valid only in our user
// namespace) lets it mount /dev/fuse itself instead of calling the setuid fusermount3.
void keep_mount_capability() {
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_get_proc(), cap_free);
    cap_value_t admin = CAP_SYS_ADMIN;
    if (caps && cap_set_flag(caps.get(), CAP_INHERITABLE, 1, &admin, CAP_SET) == 0 && cap_set_proc(caps.get()) == 0)
        ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0);
}

[[noreturn]] void exec_overlay(const std::string& program, const std::string& options, const std::string& target) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    keep_mount_capability();
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::execl(program.c_str(), program.c_str(), "-f", "-o", options.c_str(), target.c_str(), nullptr);
    ::_exit(127);
}

bool is_mount_point(const std::string& path) {
    struct stat here {}, parent {};
    return ::stat(path.c_str(), &here) == 0 && ::stat((path + "/..").c_str(), &parent) == 0 &&
           here.st_dev != parent.st_dev;
}

}  // namespace

SysResult<std::string> find_fuse_overlayfs(const std::string& path_variable) {
    return find_command("fuse-overlayfs", path_variable);
}

SysResult<void> mount_fuse_overlay(const std::string& program, const std::string& lower,
                                   const std::string& upper, const std::string& work,
                                   const std::string& target) {
    std::string options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
    pid_t child = ::fork();
    if (child < 0) return sys_fail("fork", program);
    if (child == 0) exec_overlay(program, options, target);
    auto deadline = std::chrono::steady_clock::now() + mount_timeout;
    while (!is_mount_point(target)) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) return sys_fail("fuse-overlayfs exited", target, EIO);
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(child, SIGKILL);
            return sys_fail("fuse-overlayfs did not mount", target, ETIMEDOUT);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return {};
}

}  // namespace skiff::ns
