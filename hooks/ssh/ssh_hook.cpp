#include "hooks/ssh/ssh_hook.hpp"

#include <charconv>
#include <sstream>

#include "hooks/hook_switch.hpp"

namespace skiff::hooks {
namespace {

constexpr const char* key_annotation = "com.hooks.ssh.authorize_ssh_key";
constexpr const char* port_annotation = "com.hooks.ssh.port";

Result<int> parse_port(const edf::Sourced<std::string>& value) {
    int port = 0;
    const auto& text = value.value;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535)
        return fail(value.origin.str() + ": annotation " + port_annotation + " = \"" + text +
                    "\" is not a port; use a number from 1 to 65535");
    return port;
}

bool is_key_line(const std::string& line) {
    for (const char* type : {"ssh-ed25519 ", "ecdsa-sha2-", "sk-", "ssh-rsa "})
        if (line.starts_with(type)) return true;
    return false;
}

}  // namespace

bool ssh_requested(const edf::Environment& environment) {
    auto on = annotation_switch(environment, "com.hooks.ssh.enabled", false);
    return !on || *on;
}

Result<std::optional<SshSettings>> ssh_settings(const edf::Environment& environment, bool map_root, int default_port) {
    auto on = annotation_switch(environment, "com.hooks.ssh.enabled", false);
    if (!on) return Unexpected(on.error());
    if (!*on) return std::optional<SshSettings>{};
    if (map_root) return fail("com.hooks.ssh.enabled: the SSH server cannot run as uid 0; drop --root");
    SshSettings settings;
    settings.port = default_port;
    auto key = environment.annotations.find(key_annotation);
    if (key == environment.annotations.end() || key->second.value.empty())
        return fail(std::string("com.hooks.ssh.enabled needs ") + key_annotation +
                    " = \"<absolute path of a public key file>\"");
    if (!key->second.value.starts_with("/"))
        return fail(key->second.origin.str() + ": annotation " + key_annotation + " = \"" + key->second.value +
                    "\" is not an absolute path; give the path of a public key file, not the key itself");
    settings.key_file = key->second.value;
    settings.key_origin = key->second.origin.str();
    if (auto port = environment.annotations.find(port_annotation); port != environment.annotations.end()) {
        auto parsed = parse_port(port->second);
        if (!parsed) return Unexpected(parsed.error());
        settings.port = *parsed;
    }
    return std::optional<SshSettings>(settings);
}

Result<void> check_public_keys(const std::string& text, const std::string& key_file) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line))
        if (is_key_line(line)) return {};
    return fail(std::string(key_annotation) + ": '" + key_file +
                "' holds no public key line (ssh-ed25519, ecdsa-sha2-*, sk-*, ssh-rsa); give a .pub file");
}

}  // namespace skiff::hooks
