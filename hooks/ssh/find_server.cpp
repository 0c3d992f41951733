#include "hooks/ssh/find_server.hpp"

#include "hooks/ssh/sshd_binary.hpp"
#include "hooks/ssh/sshd_config_reader.hpp"

namespace skiff::hooks::ssh {
namespace {

// One place a program may be named, in the order they are tried.
struct Candidate {
    std::optional<std::string> path;
    std::string source;  // "SshdSessionPath at /etc/ssh/sshd_config:3", "compiled into /usr/sbin/sshd"
};

std::string fix_hint(const SshSite& site, Program program) {
    return "set " + std::string(program_info(program).site_key) + " in [hooks.ssh] of " + site.config_path;
}

// The first candidate that exists, else the distributions' list; notes say which and why.
Result<std::string> choose(const SshSite& site, const HostView& host, Program program, const std::string& why_needed,
                           const std::vector<Candidate>& candidates, std::vector<std::string>& notes) {
    const char* name = program_info(program).name;
    std::string looked;
    for (const auto& candidate : candidates) {
        if (!candidate.path) continue;
        looked += *candidate.path + " (" + candidate.source + "), ";
        if (candidate.path->starts_with("/") && host.is_program(*candidate.path)) {
            notes.push_back(std::string(name) + ": " + *candidate.path + " (" + candidate.source + ")");
            return *candidate.path;
        }
        notes.push_back(std::string(name) + ": passed over " + *candidate.path + " (" + candidate.source +
                        "): not an executable file's absolute path");
    }
    if (auto found = first_existing(program, host)) {
        notes.push_back(std::string(name) + ": " + *found + " (the distributions' list)");
        return *found;
    }
    return fail("com.hooks.ssh: no usable OpenSSH server on this node: " + why_needed + " " + name +
                ", which is not at " + looked + candidate_list(program) + "; install openssh-server, or " +
                fix_hint(site, program));
}

Candidate from_config(const std::optional<ConfigValue>& value, const char* keyword, const SshdConfigFacts& config) {
    if (!value) return {std::nullopt, keyword + std::string(" in ") + (config.file.empty() ? "sshd_config" : config.file)};
    return {value->value, keyword + std::string(" at ") + value->origin};
}

Candidate from_site(const SshSite& site, Program program) {
    const auto& given = site.path(program);
    if (!given) return {std::nullopt, std::string("hooks.ssh.") + program_info(program).site_key};
    return {given->path, given->where};
}

Result<std::string> find_sshd(const SshSite& site, const HostView& host, std::vector<std::string>& notes) {
    return choose(site, host, Program::sshd, "the SSH hook runs", {from_site(site, Program::sshd)}, notes);
}

// Reads sshd_config only when the site leaves a program to it.
Result<SshdConfigFacts> config_if_needed(const SshSite& site, const HostView& host) {
    if (site.path(Program::sshd_session) && site.path(Program::sshd_auth) && site.path(Program::sftp_server))
        return SshdConfigFacts{};
    return read_sshd_config(host);
}

}  // namespace

Result<ServerPrograms> find_ssh_server(const SshSite& site, const HostView& host) {
    ServerPrograms found;
    auto sshd = find_sshd(site, host, found.notes);
    if (!sshd) return Unexpected(sshd.error());
    auto binary = read_sshd_binary(host, *sshd);
    if (!binary) return Unexpected(binary.error());
    if (!binary->version)
        return fail("com.hooks.ssh: '" + *sshd + "' holds no OpenSSH version string (OpenSSH_X.Y); it is not OpenSSH's sshd; " +
                    fix_hint(site, Program::sshd));
    found.version = *binary->version;
    found.paths[0] = *sshd;
    found.notes.push_back("sshd: OpenSSH " + found.version.text() + " (read from " + *sshd + ")");
    auto config = config_if_needed(site, host);
    if (!config) return Unexpected(Error{"com.hooks.ssh: " + config.error().message});
    for (const auto& note : config->notes) found.notes.push_back(note);
    auto features = features_of(found.version);
    const std::string runs = "OpenSSH " + found.version.text() + " runs";
    struct Step {
        Program program;
        bool needed;
        Candidate configured;
        std::optional<std::string> compiled;
    };
    const Step steps[] = {
        {Program::sshd_session, features.session_program, from_config(config->session_path, "SshdSessionPath", *config),
         binary->session_path},
        {Program::sshd_auth, features.auth_program, from_config(config->auth_path, "SshdAuthPath", *config), binary->auth_path},
        {Program::sftp_server, true, from_config(config->sftp_server, "Subsystem sftp", *config), std::nullopt},
    };
    for (const auto& step : steps) {
        if (!step.needed) continue;
        std::vector<Candidate> candidates{from_site(site, step.program), step.configured};
        if (step.program != Program::sftp_server) candidates.push_back({step.compiled, "compiled into " + *sshd});
        auto path = choose(site, host, step.program, step.program == Program::sftp_server ? "sftp needs" : runs,
                           candidates, found.notes);
        if (!path) return Unexpected(path.error());
        found.paths.at(static_cast<std::size_t>(step.program)) = std::move(*path);
    }
    return found;
}

}  // namespace skiff::hooks::ssh
