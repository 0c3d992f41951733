#include "launcher/cli/ssh_facts.hpp"

#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "hooks/ssh/ssh_hook.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::cli {
namespace {

constexpr const char* host_sshd = "/usr/sbin/sshd";
constexpr const char* host_sftp_server = "/usr/lib/openssh/sftp-server";
// Loaded by name through nsswitch.conf, never a DT_NEEDED: `compat` (Alpine's default
// nsswitch.conf) and `files` for hosts whose glibc lacks the built-in one (hooks.md §3.2).
constexpr std::array<const char*, 2> nss_modules = {"libnss_compat.so.2", "libnss_files.so.2"};

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return text.str();
}

// soname -> path of the host's own architecture, from the host's ld.so.cache.
Result<std::map<std::string, std::string>> host_libraries() {
    auto bytes = read_text("/etc/ld.so.cache");
    if (!bytes) return fail("com.hooks.ssh: cannot read the host's /etc/ld.so.cache; run ldconfig on the host");
    const auto& arch = ldcache::host_arch();
    auto cache = ldcache::read_cache(*bytes, arch.byte_order);
    if (!cache) return Unexpected(cache.error());
    std::map<std::string, std::string> libraries;
    for (const auto& entry : cache->entries)
        if (entry.flags == arch.cache_flags && !entry.hwcaps) libraries.emplace(entry.key, entry.value);
    return libraries;
}

struct Closure {
    std::map<std::string, std::string> libraries;  // soname -> host path
    std::string loader;                            // host path of PT_INTERP
};

Result<void> add_closure(const std::string& file, const std::map<std::string, std::string>& cache, Closure& out) {
    std::vector<std::string> todo{file};
    while (!todo.empty()) {
        std::string path = todo.back();
        todo.pop_back();
        auto info = elf::probe_file(path, {.versions = false, .needed = true});
        if (!info) return Unexpected(info.error());
        if (info->interp && out.loader.empty()) out.loader = *info->interp;
        for (const auto& soname : info->needed) {
            if (out.libraries.contains(soname)) continue;
            auto found = cache.find(soname);
            if (found == cache.end())
                return fail("com.hooks.ssh: '" + path + "' needs " + soname + ", which the host's ld.so.cache lacks");
            out.libraries.emplace(soname, found->second);
            todo.push_back(found->second);
        }
    }
    return {};
}

Result<Closure> server_closure() {
    auto cache = host_libraries();
    if (!cache) return Unexpected(cache.error());
    Closure closure;
    for (const char* program : {host_sshd, host_sftp_server})
        if (auto r = add_closure(program, *cache, closure); !r) return Unexpected(r.error());
    for (const char* module : nss_modules)
        if (auto it = cache->find(module); it != cache->end() && !closure.libraries.contains(module)) {
            closure.libraries.emplace(module, it->second);
            if (auto r = add_closure(it->second, *cache, closure); !r) return Unexpected(r.error());
        }
    if (closure.loader.empty()) return fail(std::string("com.hooks.ssh: '") + host_sshd + "' has no PT_INTERP");
    return closure;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

Result<std::string> authorized_keys(const hooks::SshSettings& settings) {
    auto text = read_text(settings.key_file);
    if (!text)
        return fail(settings.key_origin + ": com.hooks.ssh.authorize_ssh_key: cannot read '" + settings.key_file +
                    "'; give the path of a readable public key file");
    if (auto r = hooks::check_public_keys(*text, settings.key_file); !r) return Unexpected(r.error());
    return std::move(*text);
}

}  // namespace

Result<std::optional<plan::SshServer>> read_ssh_facts(const edf::Environment& environment, bool map_root) {
    auto settings = hooks::ssh_settings(environment, map_root);
    if (!settings) return Unexpected(settings.error());
    if (!*settings) return std::optional<plan::SshServer>{};
    plan::SshServer server;
    server.port = (*settings)->port;
    server.key_file = (*settings)->key_file;
    auto keys = authorized_keys(**settings);
    if (!keys) return Unexpected(keys.error());
    server.authorized_keys = std::move(*keys);
    for (const char* program : {host_sshd, host_sftp_server})
        if (std::ifstream(program).fail())
            return fail(std::string("com.hooks.ssh: '") + program + "' is missing on this node; install openssh-server");
    auto closure = server_closure();
    if (!closure) return Unexpected(closure.error());
    server.loader = base_name(closure->loader);
    server.host_files = {{closure->loader, server.loader}, {host_sshd, "sshd"}, {host_sftp_server, "sftp-server"}};
    for (const auto& [soname, path] : closure->libraries) server.host_files.emplace_back(path, "lib/" + soname);
    return std::optional<plan::SshServer>(std::move(server));
}

}  // namespace skiff::cli
