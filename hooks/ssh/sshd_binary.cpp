#include "hooks/ssh/sshd_binary.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::hooks::ssh {
namespace {

bool printable(char c) { return c >= 0x20 && c <= 0x7e; }

bool path_to(const std::string& text, std::string_view program) {
    return text.starts_with("/") && text.size() > program.size() + 1 && text.ends_with(program) &&
           text[text.size() - program.size() - 1] == '/' && text.find_first_of(" \t") == std::string::npos;
}

}  // namespace

void SshdBinaryScanner::feed(std::string_view bytes) {
    for (char c : bytes) {
        if (!printable(c)) {
            end_string();
            continue;
        }
        if (run_.size() < max_string) run_ += c;
        else overlong_ = true;
    }
}

void SshdBinaryScanner::end_string() {
    if (!overlong_ && !run_.empty()) {
        if (auto version = parse_openssh_version(run_); version && (!facts_.version || *version > *facts_.version))
            facts_.version = version;
        else if (!facts_.session_path && path_to(run_, "sshd-session")) facts_.session_path = run_;
        else if (!facts_.auth_path && path_to(run_, "sshd-auth")) facts_.auth_path = run_;
    }
    run_.clear();
    overlong_ = false;
}

SshdBinaryFacts SshdBinaryScanner::facts() {
    end_string();
    return facts_;
}

Result<SshdBinaryFacts> read_sshd_binary(const HostView& host, const std::string& path) {
    int fd = ::open(host.real(path).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return fail("com.hooks.ssh: cannot read '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > max_sshd_bytes) {
        ::close(fd);
        return fail("com.hooks.ssh: '" + path + "' is not a regular file of at most 64 MiB; is it OpenSSH's sshd?");
    }
    SshdBinaryScanner scanner;
    char buffer[65536];
    std::size_t total = 0;
    ssize_t n = 0;
    while (total < max_sshd_bytes && ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) {
            scanner.feed({buffer, static_cast<std::size_t>(n)});
            total += static_cast<std::size_t>(n);
        }
    int read_errno = errno;
    ::close(fd);
    if (n < 0) return fail("com.hooks.ssh: cannot read '" + path + "': " + std::strerror(read_errno));
    return scanner.facts();
}

}  // namespace skiff::hooks::ssh
