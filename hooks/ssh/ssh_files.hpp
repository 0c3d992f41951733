// The files of the SSH server under /.skiff/ssh (hooks.md §3.2-§3.4), as text. Pure.
#pragma once

#include <string>

#include "common/env_map.hpp"
#include "hooks/ssh/sshd_version.hpp"

namespace skiff::hooks {

inline constexpr const char* ssh_dir = "/.skiff/ssh";          // a tmpfs of the container's own
inline constexpr const char* ssh_host_dir = "/.skiff/ssh/host";  // host sshd, its libraries, loader

// `export NAME='VALUE'` per variable, sorted by name, for every session to source. Single
// quotes are the only escaping: inside them sh, bash and zsh take every byte literally, so
// nothing in a value is ever expanded or executed. Left out (hooks.md §3.3): names a shell
// cannot hold, shell read-only variables, what the session owns (HOME, SSH_*, ...) and the
// per-task launcher variables (PMIX_*, PMI_*, SLURM_PROCID, ...).
std::string ssh_environment_file(const EnvMap& env);

// True if `name` goes into the environment file.
bool ssh_keeps_variable(const std::string& name);

// sshd_config: every path absolute under /.skiff/ssh, key only from /.skiff/ssh/authorized_keys.
// Options that only some versions know are written only for those (`features`, from the host
// sshd's version): an unknown option stops sshd at start-up.
std::string sshd_config(int port, const ssh::SshdFeatures& features = {});

// The ForceCommand of every session: source the environment, run the login shell or the
// requested command (sftp arrives here as the subsystem's command).
std::string ssh_session_script();

// `exec <host loader> --library-path <host libs> [--argv0 SELF] <host program> "$@"`: sshd
// re-executes itself through its argv[0], and this way the re-exec also uses the host loader.
std::string ssh_loader_script(const std::string& loader, const std::string& program, const std::string& argv0);

// A login shell runs /etc/profile, and Debian's resets PATH: this snippet, installed as
// /etc/profile.d/zz-skiff-ssh.sh, sources the environment file again in SSH sessions.
inline constexpr const char* ssh_profile_path = "/etc/profile.d/zz-skiff-ssh.sh";
std::string ssh_profile_snippet();

}  // namespace skiff::hooks
