#include "namespaces/held_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

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

void close_descriptors_from(int first, std::initializer_list<int> keep) {
    std::vector<int> kept;
    for (int fd : keep)
        if (fd >= first) kept.push_back(fd);
    std::sort(kept.begin(), kept.end());
    for (int fd : kept) {
        if (fd > first) ::close_range(static_cast<unsigned>(first), static_cast<unsigned>(fd - 1), 0);
        first = fd + 1;
    }
    ::close_range(static_cast<unsigned>(first), ~0U, 0);
}

}  // namespace skiff::ns
