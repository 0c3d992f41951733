#include "hooks/ssh/host_view.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::hooks::ssh {

bool HostView::is_program(const std::string& path) const {
    struct stat st {};
    std::string at = real(path);
    return ::stat(at.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(at.c_str(), X_OK) == 0;
}

ConfigText HostView::read_config(const std::string& path, std::size_t limit) const {
    ConfigText out;
    int fd = ::open(real(path).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        out.state = errno == ENOENT || errno == ENOTDIR ? ConfigText::State::absent : ConfigText::State::unreadable;
        out.why = std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.state = ConfigText::State::not_regular;
        return out;
    }
    char buffer[16384];
    ssize_t n = 0;
    while (out.text.size() <= limit && ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) out.text.append(buffer, static_cast<std::size_t>(n));
    int read_errno = errno;
    ::close(fd);
    if (out.text.size() > limit) out.state = ConfigText::State::too_large;
    else if (n < 0) {
        out.state = ConfigText::State::unreadable;
        out.why = std::strerror(read_errno);
    } else out.state = ConfigText::State::ok;
    if (out.state != ConfigText::State::ok) out.text.clear();
    return out;
}

std::vector<std::string> HostView::glob(const std::string& pattern, std::size_t limit) const {
    std::vector<std::string> out;
    glob_t found{};
    // Sorted (glob's default), and a pattern that matches nothing gives nothing, as in sshd.
    if (::glob(real(pattern).c_str(), 0, nullptr, &found) == 0)
        for (std::size_t i = 0; i < found.gl_pathc && out.size() < limit; ++i)
            out.emplace_back(std::string(found.gl_pathv[i]).substr(root_.size()));
    ::globfree(&found);
    return out;
}

}  // namespace skiff::hooks::ssh
