// The OpenSSH version of the host's sshd and what it decides: which sshd_config options the
// container's server may be given (an option a version does not know stops sshd at start-up:
// "Bad configuration option") and which programs sshd runs for each connection.
//   9.8  sshd execs sshd-session (SshdSessionPath); per-source penalties (PerSourcePenalties)
//   10.0 sshd-session execs sshd-auth for authentication (SshdAuthPath)
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::hooks::ssh {

struct SshdVersion {
    int major = 0;
    int minor = 0;
    auto operator<=>(const SshdVersion&) const = default;
    std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// "OpenSSH_9.2p1", "OpenSSH_10.0p2 Debian-7", "OpenSSH_9.2" -> the version; nullopt for
// anything else, such as the compatibility patterns sshd also holds ("OpenSSH_7.4*",
// "OpenSSH_6.6.1*", "OpenSSH_2.*,OpenSSH_3.0*").
std::optional<SshdVersion> parse_openssh_version(std::string_view text);

struct SshdFeatures {
    bool session_program = false;     // sshd-session, SshdSessionPath (9.8)
    bool auth_program = false;        // sshd-auth, SshdAuthPath (10.0)
    bool per_source_penalties = false;  // PerSourcePenalties (9.8)
};

SshdFeatures features_of(SshdVersion version);

}  // namespace skiff::hooks::ssh
