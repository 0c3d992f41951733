#include "common/read_small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace skiff {

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    std::optional<std::string> bytes;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) <= limit) {
        // Read to the end, not to st_size: the file may have grown since.
        std::string text;
        text.reserve(static_cast<std::size_t>(st.st_size));
        char buffer[16384];
        ssize_t n = 0;
        while (text.size() <= limit && ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)))
            if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
        if (n == 0 && text.size() <= limit) bytes = std::move(text);
    }
    ::close(fd);
    return bytes;
}

}  // namespace skiff
