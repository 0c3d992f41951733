#include "namespaces/user_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <string>

#include "common/unique_fd.hpp"

namespace skiff::ns {
namespace {

SysResult<void> write_proc_file(const char* path, const std::string& text) {
    UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open", path);
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n != static_cast<ssize_t>(text.size())) return sys_fail(std::string("write ") + path, path);
    return {};
}

}  // namespace

SysResult<void> enter_user_and_mount_namespace(const IdMap& ids) {
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return sys_fail("unshare", "user+mount namespace");
    // setgroups must be denied before an unprivileged process may write gid_map
    // (user_namespaces(7), since Linux 3.19).
    if (auto r = write_proc_file("/proc/self/setgroups", "deny\n"); !r) return r;
    auto uid_line = std::to_string(ids.inside_uid) + " " + std::to_string(ids.outside_uid) + " 1\n";
    if (auto r = write_proc_file("/proc/self/uid_map", uid_line); !r) return r;
    auto gid_line = std::to_string(ids.inside_gid) + " " + std::to_string(ids.outside_gid) + " 1\n";
    return write_proc_file("/proc/self/gid_map", gid_line);
}

}  // namespace skiff::ns
