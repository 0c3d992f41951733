#include "hooks/cdi/nvidia_hooks.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace skiff::cdi {
namespace {

struct HookCall {
    std::string subcommand;
    std::vector<std::pair<std::string, std::string>> options;  // (--name, value) in order
};

std::string_view base_name(std::string_view path) { return path.substr(path.rfind('/') + 1); }

std::string command_line(const Hook& hook) {
    std::string out = hook.path;
    for (std::size_t i = 1; i < hook.args.size(); ++i) out += " " + hook.args[i];
    return out;
}

Unexpected<Error> not_run(const Hook& hook, const std::string& label, const std::string& why) {
    return fail("CDI " + label + ": " + hook.hook_name + " hook '" + command_line(hook) + "': " + why +
                "; skiff does not run CDI hook programs, it does the work of NVIDIA's hooks itself "
                "(README, \"CDI devices\")");
}

// Where the subcommand is in args: after argv[0] ("nvidia-cdi-hook") or after "hook"
// ("nvidia-ctk hook"), past global flags (--debug, --quiet); nullopt for another program.
std::optional<std::size_t> subcommand_at(const Hook& hook) {
    std::string_view program = base_name(hook.path);
    std::size_t at = 1;
    if (program == "nvidia-ctk") {
        if (hook.args.size() < 2 || hook.args[1] != "hook") return std::nullopt;
        at = 2;
    } else if (program != "nvidia-cdi-hook") {
        return std::nullopt;
    }
    while (at < hook.args.size() && hook.args[at].starts_with("-")) ++at;
    if (at >= hook.args.size()) return std::nullopt;
    return at;
}

// "--name value" or "--name=value" after the subcommand.
Result<HookCall> parse_call(const Hook& hook, const std::string& label, std::size_t at) {
    HookCall call{hook.args[at], {}};
    for (std::size_t i = at + 1; i < hook.args.size(); ++i) {
        const std::string& arg = hook.args[i];
        if (!arg.starts_with("--")) return not_run(hook, label, "unexpected argument '" + arg + "'");
        auto equals = arg.find('=');
        if (equals != std::string::npos) {
            call.options.emplace_back(arg.substr(0, equals), arg.substr(equals + 1));
        } else if (i + 1 < hook.args.size()) {
            call.options.emplace_back(arg, hook.args[++i]);
        } else {
            return not_run(hook, label, "option '" + arg + "' has no value");
        }
    }
    return call;
}

Result<void> update_ldcache(const Hook& hook, const std::string& label, const HookCall& call, NativeHooks& out) {
    for (const auto& [name, value] : call.options) {
        if (name == "--folder") {
            if (!value.starts_with("/")) return not_run(hook, label, "--folder '" + value + "' is not absolute");
            out.ldcache_folders.push_back(value);
        } else if (name != "--ldconfig-path" && name != "--container-spec") {
            return not_run(hook, label, "update-ldcache option '" + name + "' is unknown to skiff");
        }
    }
    out.notes.push_back(label + ": update-ldcache: skiff's linker cache takes the libraries mounted into the folders");
    return {};
}

Result<void> create_symlinks(const Hook& hook, const std::string& label, const HookCall& call, NativeHooks& out) {
    for (const auto& [name, value] : call.options) {
        if (name == "--container-spec") continue;
        if (name != "--link") return not_run(hook, label, "create-symlinks option '" + name + "' is unknown to skiff");
        auto sep = value.find("::");
        std::string target = sep == std::string::npos ? "" : value.substr(0, sep);
        std::string link = sep == std::string::npos ? "" : value.substr(sep + 2);
        if (target.empty() || !link.starts_with("/") || link.find("/../") != std::string::npos || link.ends_with("/.."))
            return not_run(hook, label, "--link '" + value + "' is not TARGET::/ABSOLUTE/LINK");
        out.symlinks.emplace_back(target, link);
    }
    return {};
}

// Subcommands whose work is moot rootless, or belongs to skiff's nvidia hook: a note each.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> noted = {{
    {"chmod", "ignored: rootless, skiff cannot change the modes of host device nodes"},
    {"enable-cuda-compat", "ignored: CUDA forward compatibility is skiff's nvidia hook's work"},
    {"disable-device-node-modification", "ignored: skiff mounts the host's driver parameters as they are"},
    {"update-application-profile", "ignored: skiff leaves the EGL/Vulkan application profile alone"},
}};

}  // namespace

Result<void> add_native_hook(const Hook& hook, const std::string& label, NativeHooks& out) {
    auto at = subcommand_at(hook);
    if (!at) return not_run(hook, label, "not an NVIDIA CDI hook");
    if (hook.hook_name != "createContainer") return not_run(hook, label, "NVIDIA's hooks run at createContainer");
    auto call = parse_call(hook, label, *at);
    if (call && call->subcommand == "update-ldcache") return update_ldcache(hook, label, *call, out);
    if (call && call->subcommand == "create-symlinks") return create_symlinks(hook, label, *call, out);
    for (const auto& [name, why] : noted)
        if (hook.args[*at] == name) {
            out.notes.push_back(label + ": " + std::string(name) + " hook " + std::string(why));
            return {};
        }
    if (!call) return Unexpected(call.error());
    return not_run(hook, label, "subcommand '" + call->subcommand + "' is unknown to skiff");
}

}  // namespace skiff::cdi
