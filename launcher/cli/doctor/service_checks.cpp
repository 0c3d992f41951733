// What the optional parts need: an OpenSSH server for the SSH hook, and for Slurm, a
// plugstack.conf that loads skiff's SPANK plugin and names this skiff binary.
#include <glob.h>

#include <cctype>
#include <filesystem>

#include "common/read_small_file.hpp"
#include "hooks/ssh/find_server.hpp"
#include "launcher/cli/doctor/findings.hpp"

namespace skiff::cli::doctor {
namespace {

constexpr std::size_t config_limit = 1 << 20;

std::vector<std::string> words_of(std::string_view line) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) words.emplace_back(line.substr(start, i - start));
    }
    return words;
}

// slurm.conf's PlugStackConfig, else plugstack.conf beside slurm.conf ($SLURM_CONF, else
// /etc/slurm/slurm.conf), as Slurm itself finds it.
std::string plugstack_path(const EnvMap& env) {
    auto conf = env.find("SLURM_CONF");
    std::filesystem::path slurm_conf = conf != env.end() && !conf->second.empty() ? conf->second : "/etc/slurm/slurm.conf";
    if (auto text = read_small_file(slurm_conf, config_limit)) {
        std::string_view rest = *text;
        while (!rest.empty()) {
            std::string_view line = rest.substr(0, rest.find('\n'));
            rest.remove_prefix(std::min(rest.size(), line.size() + 1));
            if (auto value = plugstack_config_value(line)) return *value;
        }
    }
    return (slurm_conf.parent_path() / "plugstack.conf").string();
}

// The skiff= argument of the first line that loads the plugin in `file` or the files it
// includes (one level deep, as sites write them).
std::optional<std::string> find_plugin_line(const std::string& file, int depth = 0) {
    auto text = read_small_file(file, config_limit);
    if (!text) return std::nullopt;
    std::vector<std::string> includes;
    if (auto found = plugstack_skiff_argument(*text, includes)) return found;
    for (const auto& pattern : includes) {
        glob_t matches{};
        if (depth > 0 || ::glob(pattern.c_str(), 0, nullptr, &matches) != 0) continue;
        std::optional<std::string> found;
        for (std::size_t i = 0; i < matches.gl_pathc && !found; ++i) found = find_plugin_line(matches.gl_pathv[i], depth + 1);
        ::globfree(&matches);
        if (found) return found;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> plugstack_config_value(std::string_view line) {
    std::string text;
    for (char c : line.substr(0, line.find('#')))
        if (c != ' ' && c != '\t') text += c;
    constexpr std::string_view key = "plugstackconfig=";
    if (text.size() <= key.size()) return std::nullopt;
    for (std::size_t i = 0; i < key.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != key[i]) return std::nullopt;
    return text.substr(key.size());
}

std::optional<std::string> plugstack_skiff_argument(std::string_view text, std::vector<std::string>& includes) {
    while (!text.empty()) {
        std::string_view line = text.substr(0, text.find('\n'));
        text.remove_prefix(std::min(text.size(), line.size() + 1));
        line = line.substr(0, line.find('#'));
        auto words = words_of(line);
        if (words.size() >= 2 && words[0] == "include") includes.push_back(words[1]);
        if (words.size() < 2 || (words[0] != "required" && words[0] != "optional") ||
            std::filesystem::path(words[1]).filename() != "spank_skiff.so")
            continue;
        for (std::size_t i = 2; i < words.size(); ++i)
            if (words[i].starts_with("skiff=")) return words[i].substr(6);
        return std::string();
    }
    return std::nullopt;
}

void check_ssh_server(Findings& out, const site::SiteConfig& config) {
    hooks::ssh::HostView view;
    auto site = hooks::ssh::read_ssh_site(&config, view);
    if (!site) {
        out.push_back({"ssh hook", Verdict::fail, site.error().message, "fix [hooks.ssh] in " + config.path});
        return;
    }
    auto server = hooks::ssh::find_ssh_server(*site, view);
    if (!server) {
        out.push_back({"ssh hook", Verdict::warn, "no usable OpenSSH server: " + server.error().message,
                       "only needed for com.hooks.ssh: install openssh-server, or name it in [hooks.ssh] of the site configuration"});
        return;
    }
    out.push_back({"ssh hook", Verdict::ok, "OpenSSH " + server->version.text() + " at " + server->path(hooks::ssh::Program::sshd).value_or("?"), ""});
}

void check_slurm_plugin(Findings& out, const Host& host) {
    std::string plugstack = plugstack_path(host.env);
    if (!std::filesystem::exists(plugstack)) {
        out.push_back({"slurm plugin", Verdict::ok, "no " + plugstack + ": Slurm is not set up here, nothing to check", ""});
        return;
    }
    auto argument = find_plugin_line(plugstack);
    if (!argument) {
        out.push_back({"slurm plugin", Verdict::warn, plugstack + " does not load spank_skiff.so: srun --environment will not work",
                       "add the line of /etc/slurm/plugstack.conf.d/skiff.conf (README, Install on a cluster)"});
        return;
    }
    if (argument->empty()) {
        out.push_back({"slurm plugin", Verdict::warn, plugstack + " loads spank_skiff.so without skiff=: it runs its built-in default path",
                       "add skiff=" + host.self + " to the plugin's line"});
        return;
    }
    std::error_code missing, self_ec;
    auto named = std::filesystem::canonical(*argument, missing);
    if (missing || named != std::filesystem::canonical(host.self, self_ec)) {
        out.push_back({"slurm plugin", Verdict::warn, plugstack + " runs skiff=" + *argument + (missing ? " (missing)" : "") + ", not this skiff (" + host.self + ")",
                       "point skiff= at " + host.self + " if this is the skiff jobs should use"});
        return;
    }
    out.push_back({"slurm plugin", Verdict::ok, plugstack + " loads spank_skiff.so with skiff=" + *argument, ""});
}

}  // namespace skiff::cli::doctor
