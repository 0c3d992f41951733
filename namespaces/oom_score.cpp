#include "namespaces/oom_score.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "common/unique_fd.hpp"

namespace skiff::ns {

SysResult<void> raise_oom_score_adj(int by) {
    constexpr const char* path = "/proc/self/oom_score_adj";
    UniqueFd fd(::open(path, O_RDWR | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open", path);
    char text[16];
    ssize_t n = ::read(fd.get(), text, sizeof text);
    if (n <= 0) return sys_fail("read", path, n == 0 ? EIO : errno);
    int value = 0;
    if (std::from_chars(text, text + n, value).ec != std::errc{}) return sys_fail("read", path, EINVAL);
    std::string raised = std::to_string(std::min(1000, value + by));
    if (::pwrite(fd.get(), raised.data(), raised.size(), 0) != static_cast<ssize_t>(raised.size()))
        return sys_fail("write", path);
    return {};
}

}  // namespace skiff::ns
