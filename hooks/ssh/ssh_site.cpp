#include "hooks/ssh/ssh_site.hpp"

#include <array>
#include <string_view>

#include "launcher/site/site_table.hpp"

namespace skiff::hooks::ssh {
namespace {

constexpr std::array<std::string_view, 5> known_keys = {"sshd", "sshd_session", "sshd_auth", "sftp_server", "default_port"};

Result<std::optional<SitePath>> read_path(const site::SiteTable& table, Program program, const HostView& host) {
    const char* key = program_info(program).site_key;
    auto text = table.text(key);
    if (!text) return Unexpected(text.error());
    if (!*text) return std::optional<SitePath>{};
    SitePath path{**text, table.where(key)};
    if (!path.path.starts_with("/"))
        return fail(path.where + " must be an absolute path, not '" + path.path + "'");
    if (!host.is_program(path.path))
        return fail(path.where + ": '" + path.path + "' is not an executable file on this node; fix the path or remove the key");
    return std::optional<SitePath>(std::move(path));
}

}  // namespace

Result<SshSite> read_ssh_site(const site::SiteConfig* config, const HostView& host) {
    auto table = site::SiteTable::open(config, "hooks.ssh", known_keys);
    if (!table) return Unexpected(table.error());
    SshSite site;
    site.config_path = config != nullptr && !config->path.empty() ? config->path : site::default_config_path;
    for (Program program : all_programs) {
        auto path = read_path(*table, program, host);
        if (!path) return Unexpected(path.error());
        site.paths.at(static_cast<std::size_t>(program)) = std::move(*path);
    }
    auto port = table->integer("default_port", 1, 65535);
    if (!port) return Unexpected(port.error());
    site.default_port = *port;
    return site;
}

}  // namespace skiff::hooks::ssh
