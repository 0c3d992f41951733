// Facts read from the bytes of the host's sshd, so that nothing is run to learn them: its
// OpenSSH version (the "OpenSSH_X.Yp" string every sshd carries for its banner) and the
// compiled-in paths of the programs it execs (the default SshdSessionPath and SshdAuthPath,
// e.g. /usr/lib/openssh/sshd-session on Debian). The file is read in pieces, at most 64 MiB.
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

// Looks at the printable strings of a byte stream, fed in pieces of any size.
class SshdBinaryScanner {
public:
    void feed(std::string_view bytes);
    SshdBinaryFacts facts();  // ends the last string

private:
    void end_string();
    static constexpr std::size_t max_string = 4096;  // longer runs are not what we look for
    std::string run_;
    bool overlong_ = false;
    SshdBinaryFacts facts_;
};

// Errors name the file; "no version" is not an error here (facts().version is empty).
Result<SshdBinaryFacts> read_sshd_binary(const HostView& host, const std::string& path);

}  // namespace skiff::hooks::ssh
