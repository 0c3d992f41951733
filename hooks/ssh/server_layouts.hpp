// Where distributions install OpenSSH's server programs: the fallback when neither the site
// table nor the host's sshd_config (nor, for sshd-session and sshd-auth, the path compiled into
// sshd) names an existing file. The first existing candidate wins. README "SSH into a
// container" documents the same table.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "hooks/ssh/host_view.hpp"

namespace skiff::hooks::ssh {

enum class Program { sshd, sshd_session, sshd_auth, sftp_server };
inline constexpr std::size_t program_count = 4;
inline constexpr Program all_programs[program_count] = {Program::sshd, Program::sshd_session, Program::sshd_auth,
                                                        Program::sftp_server};

struct ProgramInfo {
    Program program;
    const char* name;      // the file's name, also its name under /.skiff/ssh/host: "sshd-session"
    const char* site_key;  // its key in [hooks.ssh]: "sshd_session"
    std::span<const char* const> candidates;  // in order
};

const ProgramInfo& program_info(Program program);

// The first candidate that is an executable regular file.
std::optional<std::string> first_existing(Program program, const HostView& host);

// "a, b, c": the candidates, for messages.
std::string candidate_list(Program program);

}  // namespace skiff::hooks::ssh
