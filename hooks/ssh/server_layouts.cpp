#include "hooks/ssh/server_layouts.hpp"

#include <array>

namespace skiff::hooks::ssh {
namespace {

// Debian and Ubuntu: /usr/lib/openssh. RHEL, Rocky, Alma and Fedora: /usr/libexec/openssh.
// SLES, Cray OS (SUSE based) and Arch: /usr/lib/ssh; newer openSUSE: /usr/libexec/ssh.
// OpenSSH built from source: --prefix=/usr gives /usr/libexec, the default /usr/local/libexec.
constexpr std::array<const char*, 3> sshd_paths = {"/usr/sbin/sshd", "/usr/bin/sshd", "/usr/local/sbin/sshd"};
constexpr std::array<const char*, 6> session_paths = {
    "/usr/lib/openssh/sshd-session", "/usr/libexec/openssh/sshd-session", "/usr/lib/ssh/sshd-session",
    "/usr/libexec/ssh/sshd-session", "/usr/libexec/sshd-session", "/usr/local/libexec/sshd-session"};
constexpr std::array<const char*, 6> auth_paths = {
    "/usr/lib/openssh/sshd-auth", "/usr/libexec/openssh/sshd-auth", "/usr/lib/ssh/sshd-auth",
    "/usr/libexec/ssh/sshd-auth", "/usr/libexec/sshd-auth", "/usr/local/libexec/sshd-auth"};
constexpr std::array<const char*, 6> sftp_paths = {
    "/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/lib/ssh/sftp-server",
    "/usr/libexec/ssh/sftp-server", "/usr/libexec/sftp-server", "/usr/local/libexec/sftp-server"};

const std::array<ProgramInfo, 4> programs = {{
    {Program::sshd, "sshd", "sshd", sshd_paths},
    {Program::sshd_session, "sshd-session", "sshd_session", session_paths},
    {Program::sshd_auth, "sshd-auth", "sshd_auth", auth_paths},
    {Program::sftp_server, "sftp-server", "sftp_server", sftp_paths},
}};

}  // namespace

const ProgramInfo& program_info(Program program) { return programs.at(static_cast<std::size_t>(program)); }

std::optional<std::string> first_existing(Program program, const HostView& host) {
    for (const char* path : program_info(program).candidates)
        if (host.is_program(path)) return std::string(path);
    return std::nullopt;
}

std::string candidate_list(Program program) {
    std::string out;
    for (const char* path : program_info(program).candidates) out += (out.empty() ? "" : ", ") + std::string(path);
    return out;
}

}  // namespace skiff::hooks::ssh
