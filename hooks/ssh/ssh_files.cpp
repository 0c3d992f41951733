#include "hooks/ssh/ssh_files.hpp"

#include <array>
#include <string_view>

namespace skiff::hooks {
namespace {

constexpr std::array<std::string_view, 17> session_owned = {
    "HOME", "USER", "LOGNAME", "SHELL", "MAIL", "PWD", "OLDPWD", "SHLVL", "_", "TERM", "DISPLAY",
    "UID", "EUID", "PPID", "BASHOPTS", "SHELLOPTS", "SLURM_TASK_PID"};

constexpr std::array<std::string_view, 6> owned_prefixes = {"SSH_", "BASH_", "PMIX_", "PMI_", "SLURM_STEP_", "SLURM_PROCID"};

bool shell_name(const std::string& name) {
    auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
    if (name.empty() || !alpha(name.front())) return false;
    for (char c : name)
        if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
    return true;
}

std::string single_quoted(const std::string& value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

bool ssh_keeps_variable(const std::string& name) {
    if (!shell_name(name)) return false;
    for (auto owned : session_owned)
        if (name == owned) return false;
    for (auto prefix : owned_prefixes)
        if (name.starts_with(prefix)) return false;
    return name != "SLURM_LOCALID";
}

std::string ssh_environment_file(const EnvMap& env) {
    std::string out;
    for (const auto& [name, value] : env)  // EnvMap is ordered: sorted by name
        if (ssh_keeps_variable(name)) out += "export " + name + "=" + single_quoted(value) + "\n";
    return out;
}

std::string sshd_config(int port, const ssh::SshdFeatures& features) {
    const std::string dir = ssh_dir;
    std::string versioned;
    // sshd execs these by path for every connection; the wrappers run them through the host loader.
    if (features.session_program) versioned += "SshdSessionPath " + dir + "/sshd-session\n";
    if (features.auth_program) versioned += "SshdAuthPath " + dir + "/sshd-auth\n";
    // Penalties are kept per source address, and the user's sessions mostly come from one login
    // node: a few failed attempts (an IDE trying keys) would lock the user out of their own
    // server, which accepts nothing but their key anyway.
    if (features.per_source_penalties) versioned += "PerSourcePenalties no\n";
    return versioned + "Port " + std::to_string(port) + "\n"
           "ListenAddress 0.0.0.0\n"
           "HostKey " + dir + "/ssh_host_ed25519_key\n"
           "PidFile " + dir + "/sshd.pid\n"
           "AuthorizedKeysFile " + dir + "/authorized_keys\n"
           "StrictModes no\n"
           "UsePAM no\n"
           "PasswordAuthentication no\n"
           "KbdInteractiveAuthentication no\n"
           "PubkeyAuthentication yes\n"
           "PermitRootLogin no\n"
           "PrintMotd no\n"
           "PrintLastLog no\n"
           "X11Forwarding no\n"
           "AllowTcpForwarding yes\n"
           "Subsystem sftp " + dir + "/sftp-server\n"
           "ForceCommand " + dir + "/session\n";
}

std::string ssh_session_script() {
    const std::string dir = ssh_dir;
    return "#!/bin/sh\n"
           "# Entry point of every SSH session (skiff). Prints nothing.\n"
           ". " + dir + "/environment\n"
           "[ -x \"${SHELL:-}\" ] || SHELL=/bin/sh\n"
           "if [ -z \"${SSH_ORIGINAL_COMMAND:-}\" ]; then exec \"$SHELL\" -l; fi\n"
           "exec \"$SHELL\" -c \"$SSH_ORIGINAL_COMMAND\"\n";
}

std::string ssh_loader_script(const std::string& loader, const std::string& program, const std::string& argv0) {
    const std::string host = ssh_host_dir;
    std::string line = "exec " + host + "/" + loader + " --inhibit-cache --library-path " + host + "/lib";
    if (!argv0.empty()) line += " --argv0 " + argv0;
    return "#!/bin/sh\n" + line + " " + host + "/" + program + " \"$@\"\n";
}

std::string ssh_profile_snippet() {
    const std::string env = std::string(ssh_dir) + "/environment";
    return "# skiff: SSH sessions keep the container's environment (com.hooks.ssh)\n"
           "if [ -n \"${SSH_CONNECTION:-}\" ] && [ -r " + env + " ]; then . " + env + "; fi\n";
}

}  // namespace skiff::hooks
