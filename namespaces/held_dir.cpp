#include "namespaces/held_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace skiff::ns {

SysResult<UniqueFd> open_directory(int parent, const std::string& name, const std::string& shown) {
    UniqueFd fd(::openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open", shown);
    return fd;
}

SysResult<void> make_directory(int parent, const std::string& name, mode_t mode, const std::string& shown) {
    if (::mkdirat(parent, name.c_str(), mode) != 0) return sys_fail("mkdir", shown);
    return {};
}

SysResult<struct stat> status_of(int fd, const std::string& shown) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return sys_fail("fstat", shown);
    return st;
}

std::string path_through(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

void close_descriptors_from(int first, int keep) {
    if (keep < first) {
        ::close_range(static_cast<unsigned>(first), ~0U, 0);
        return;
    }
    if (keep > first) ::close_range(static_cast<unsigned>(first), static_cast<unsigned>(keep - 1), 0);
    ::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0);
}

}  // namespace skiff::ns
