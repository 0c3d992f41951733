// Facts read from the bytes of the host's sshd, so that nothing is run to learn them: its
// OpenSSH version (the "OpenSSH_X.Yp" string every sshd carries for its banner) and the
// compiled-in paths of the programs it execs (the default SshdSessionPath and SshdAuthPath,
// e.g. /usr/lib/openssh/sshd-session on Debian). The file is read whole, at most 64 MiB.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "hooks/ssh/host_view.hpp"
#include "hooks/ssh/sshd_version.hpp"

namespace skiff::hooks::ssh {

inline constexpr std::size_t max_sshd_bytes = std::size_t{64} << 20;

struct SshdBinaryFacts {
    std::optional<SshdVersion> version;  // the highest release string found
    std::optional<std::string> session_path;  // an absolute path ending in /sshd-session
    std::optional<std::string> auth_path;     // an absolute path ending in /sshd-auth
};

// Looks for the facts in the printable strings of `bytes` (the whole file): each hit of
// "OpenSSH_", "/sshd-session" or "/sshd-auth" is widened to its NUL-delimited string. memmem
// does the searching: a byte-by-byte pass over a 1.2 MiB sshd took 6 ms, this takes a tenth.
SshdBinaryFacts scan_sshd_bytes(std::string_view bytes);

// Errors name the file; "no version" is not an error here (facts().version is empty).
Result<SshdBinaryFacts> read_sshd_binary(const HostView& host, const std::string& path);

}  // namespace skiff::hooks::ssh
