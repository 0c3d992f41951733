#include "namespaces/path_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace skiff::ns {

SysResult<UniqueFd> open_root(const std::string& host_path) {
    int fd = ::open(host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return sys_fail("open", host_path);
    return UniqueFd(fd);
}

SysResult<UniqueFd> open_in_root(int root_fd, const std::string& path, int flags) {
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd < 0) return sys_fail("openat2", path);
    return UniqueFd(static_cast<int>(fd));
}

SysResult<std::string> read_file_in_root(int root_fd, const std::string& path, std::size_t limit) {
    auto fd = open_in_root(root_fd, path, O_RDONLY);
    if (!fd) return Unexpected(fd.error());
    std::string data;
    char buffer[8192];
    while (data.size() < limit) {
        ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
        if (n < 0) return sys_fail("read", path);
        if (n == 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
}

}  // namespace skiff::ns
