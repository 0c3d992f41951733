#include "hooks/ssh/sshd_binary.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::hooks::ssh {
namespace {

constexpr std::size_t max_string = 4096;  // longer runs are not what we look for

bool printable(char c) { return c >= 0x20 && c <= 0x7e; }

// The printable run around [at, at + length), or "" if it is longer than max_string.
std::string_view run_around(std::string_view bytes, std::size_t at, std::size_t length) {
    std::size_t begin = at, end = at + length;
    while (begin > 0 && printable(bytes[begin - 1]) && at - begin < max_string) --begin;
    while (end < bytes.size() && printable(bytes[end]) && end - at < max_string) ++end;
    if (end - begin > max_string || (begin > 0 && printable(bytes[begin - 1])) ||
        (end < bytes.size() && printable(bytes[end])))
        return {};
    return bytes.substr(begin, end - begin);
}

// Calls found(run) for each printable run that contains `needle`.
template <class Found>
void each_run_with(std::string_view bytes, std::string_view needle, Found found) {
    std::size_t at = 0;
    while (at < bytes.size()) {
        const void* hit = ::memmem(bytes.data() + at, bytes.size() - at, needle.data(), needle.size());
        if (hit == nullptr) return;
        std::size_t offset = static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
        std::string_view run = run_around(bytes, offset, needle.size());
        if (!run.empty() && found(run)) return;
        at = offset + needle.size();
    }
}

bool absolute_path_to(std::string_view run, std::string_view program) {
    return run.starts_with("/") && run.size() > program.size() + 1 && run.ends_with(program) &&
           run[run.size() - program.size() - 1] == '/' && run.find_first_of(" \t") == std::string_view::npos;
}

// The first absolute path string ending in /PROGRAM.
std::optional<std::string> compiled_path(std::string_view bytes, std::string_view program) {
    std::optional<std::string> path;
    each_run_with(bytes, program, [&](std::string_view run) {
        if (absolute_path_to(run, program)) path = std::string(run);
        return path.has_value();
    });
    return path;
}

}  // namespace

SshdBinaryFacts scan_sshd_bytes(std::string_view bytes) {
    SshdBinaryFacts facts;
    each_run_with(bytes, "OpenSSH_", [&](std::string_view run) {
        // The banner string starts the run; the compatibility patterns do not parse.
        if (auto version = parse_openssh_version(run); version && (!facts.version || *version > *facts.version))
            facts.version = version;
        return false;
    });
    facts.session_path = compiled_path(bytes, "sshd-session");
    facts.auth_path = compiled_path(bytes, "sshd-auth");
    return facts;
}

Result<SshdBinaryFacts> read_sshd_binary(const HostView& host, const std::string& path) {
    int fd = ::open(host.real(path).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return fail("com.hooks.ssh: cannot read '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > max_sshd_bytes) {
        ::close(fd);
        return fail("com.hooks.ssh: '" + path + "' is not a regular file of at most 64 MiB; is it OpenSSH's sshd?");
    }
    // Read to the end, at most the limit: the file may have changed since fstat.
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t total = 0;
    ssize_t n = 1;
    while (n != 0 && total < max_sshd_bytes) {
        if (total == bytes.size()) bytes.resize(std::min(max_sshd_bytes, bytes.size() + 65536));
        n = ::read(fd, bytes.data() + total, bytes.size() - total);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        total += static_cast<std::size_t>(n);
    }
    int read_errno = errno;
    ::close(fd);
    if (n < 0) return fail("com.hooks.ssh: cannot read '" + path + "': " + std::strerror(read_errno));
    bytes.resize(total);
    return scan_sshd_bytes(bytes);
}

}  // namespace skiff::hooks::ssh
