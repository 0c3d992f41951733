#include "hooks/ssh/ssh_gather.hpp"

#include "common/read_small_file.hpp"
#include "hooks/ssh/find_server.hpp"
#include "hooks/ssh/job_ssh.hpp"
#include "hooks/ssh/job_ssh_files.hpp"
#include "hooks/ssh/server_closure.hpp"
#include "hooks/ssh/ssh_files.hpp"
#include "hooks/ssh/ssh_hook.hpp"

namespace skiff::hooks {
namespace {

constexpr std::size_t max_key_file_bytes = 1 << 20;

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

Result<std::string> authorized_keys(const SshSettings& settings) {
    auto text = read_small_file(settings.key_file, max_key_file_bytes);
    if (!text)
        return fail(settings.key_origin + ": com.hooks.ssh.authorize_ssh_key: cannot read '" + settings.key_file +
                    "'; give the path of a readable public key file");
    if (auto r = check_public_keys(*text, settings.key_file); !r) return Unexpected(r.error());
    return std::move(*text);
}

struct HostServer {
    ssh::ServerPrograms programs;
    ssh::ServerClosure closure;
};

Result<HostServer> find_host_server(const ssh::SshSite& site) {
    const ssh::HostView host;
    auto programs = ssh::find_ssh_server(site, host);
    if (!programs) return Unexpected(programs.error());
    std::vector<std::string> paths;
    for (const auto& path : programs->paths)
        if (path) paths.push_back(*path);
    auto closure = ssh::server_closure(paths);
    if (!closure) return Unexpected(closure.error());
    return HostServer{std::move(*programs), std::move(*closure)};
}

// The server and how its programs were found.
struct SshFacts {
    plan::SshServer server;
    std::vector<std::string> notes;
};

Result<std::optional<SshFacts>> read_ssh_facts(const edf::Environment& environment, bool map_root,
                                                      const site::SiteConfig* site_config, const EnvMap& host_env) {
    if (!ssh_requested(environment)) return std::optional<SshFacts>{};
    auto site = ssh::read_ssh_site(site_config, ssh::HostView{});
    if (!site) return Unexpected(site.error());
    auto settings = ssh_settings(environment, map_root, site->default_port.value_or(default_ssh_port));
    if (!settings) return Unexpected(settings.error());
    if (!*settings) return std::optional<SshFacts>{};
    SshFacts facts;
    plan::SshServer& server = facts.server;
    server.port = (*settings)->port;
    server.key_file = (*settings)->key_file;
    auto keys = authorized_keys(**settings);
    if (!keys) return Unexpected(keys.error());
    server.authorized_keys = std::move(*keys);
    auto job = job_ssh(host_env, server.port);
    if (!job) return Unexpected(job.error());
    if (*job) {  // the step's user key logs in too, from the step's other containers
        if (!server.authorized_keys.empty() && !server.authorized_keys.ends_with('\n')) server.authorized_keys += '\n';
        server.authorized_keys += (*job)->keys.user_public + "\n";
        facts.notes.push_back("SSH between the step's containers: " + std::to_string((*job)->nodes) +
                              " node names in /.skiff/ssh/known_hosts and ssh_config, the step's keys");
    }
    server.job = std::move(*job);
    auto host = find_host_server(*site);
    if (!host) return Unexpected(host.error());
    server.loader = base_name(host->closure.loader);
    server.config = sshd_config(server.port, ssh::features_of(host->programs.version));
    facts.notes.insert(facts.notes.end(), host->programs.notes.begin(), host->programs.notes.end());
    server.host_files.emplace_back(host->closure.loader, server.loader);
    for (ssh::Program program : ssh::all_programs)
        if (const auto& path = host->programs.path(program)) {
            std::string name = ssh::program_info(program).name;
            server.host_files.emplace_back(*path, name);
            if (program != ssh::Program::sshd) server.helpers.push_back(name);
        }
    for (const auto& [soname, path] : host->closure.libraries) server.host_files.emplace_back(path, "lib/" + soname);
    return std::optional<SshFacts>(std::move(facts));
}

// Through the writable layer, or bound read-only on a read-only root (hooks.md §3.4).
plan::MountOp generated_file(bool writable_root, const std::string& destination, std::string content) {
    plan::MountOp op;
    op.kind = writable_root ? plan::MountKind::write : plan::MountKind::file;
    op.destination = destination;
    op.read_only = true;
    op.create = plan::CreatePolicy::file;
    op.content = std::move(content);
    op.optional_destination = true;
    op.origin = "ssh hook";
    return op;
}

}  // namespace

Result<std::optional<HookFacts>> gather_ssh(const plan::PlanRequest& request, SharedFacts&, Diagnostics&) {
    auto facts = read_ssh_facts(request.environment, request.map_root, request.site, request.host.env);
    if (!facts) return Unexpected(facts.error());
    if (!*facts) return std::optional<HookFacts>{};
    return std::optional<HookFacts>(std::move(**facts));
}

Result<Contribution> contribute_ssh(const HookFacts& facts, const plan::PlanRequest& request) {
    const auto& ssh = std::any_cast<const SshFacts&>(facts);
    Contribution c;
    c.hook = "ssh";
    c.place = plan::MountPlace::last;
    c.ssh = ssh.server;
    bool writable = request.environment.writable.value;
    c.mounts.push_back(generated_file(writable, ssh_profile_path, ssh_profile_snippet()));
    if (ssh.server.job) c.mounts.push_back(generated_file(writable, job_ssh_dropin, job_ssh_dropin_text()));
    c.notes = ssh.notes;
    return c;
}

Result<void> check_ssh_host(const edf::Environment& environment, const site::SiteConfig* site_config) {
    auto facts = read_ssh_facts(environment, false, site_config, {});
    if (!facts) return Unexpected(facts.error());
    return {};
}

}  // namespace skiff::hooks
