#include "launcher/edf/annotations.hpp"

#include <array>
#include <vector>

#include "launcher/edf/suggest.hpp"

namespace skiff::edf {
namespace {

constexpr std::string_view kHookPrefix = "com.hooks.";
constexpr std::string_view kEnvPrefix = "OCI_ANNOTATION_";

// The settings each built-in hook reads (hooks.md).
struct BuiltinHook {
    std::string_view name;
    std::array<std::string_view, 3> settings;  // unused slots are empty
};

constexpr std::array<BuiltinHook, 4> kBuiltinHooks{{
    {"ssh", {"enabled", "authorize_ssh_key", "port"}},
    {"cxi", {"enabled", "", ""}},
    {"aws_ofi_nccl", {"enabled", "variant", ""}},
    {"slurm", {"enabled", "", ""}},
}};

bool is_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

const BuiltinHook* find_hook(std::string_view name) {
    for (const BuiltinHook& hook : kBuiltinHooks)
        if (hook.name == name) return &hook;
    return nullptr;
}

}  // namespace

std::string annotation_key_problem(std::string_view key) {
    std::string quoted = "'" + std::string(key) + "'";
    std::size_t pos = 0;
    while (pos <= key.size()) {
        std::size_t dot = key.find('.', pos);
        if (dot == std::string_view::npos) dot = key.size();
        std::string_view part = key.substr(pos, dot - pos);
        if (part.empty()) return "annotation key " + quoted + " has an empty part; write parts joined by single dots";
        for (char c : part)
            if (!is_key_char(c))
                return "annotation key " + quoted + " may only use letters, digits, '_' and '-' per part";
        pos = dot + 1;
    }
    return {};
}

std::string hook_key_warning(std::string_view key) {
    if (!key.starts_with(kHookPrefix)) return {};
    std::string_view rest = key.substr(kHookPrefix.size());
    std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return {};
    const BuiltinHook* hook = find_hook(rest.substr(0, dot));
    if (!hook) return {};
    std::string_view setting = rest.substr(dot + 1);
    std::vector<std::string_view> known;
    for (std::string_view name : hook->settings) {
        if (name.empty()) continue;
        if (name == setting) return {};
        known.push_back(name);
    }
    std::string valid;
    for (std::string_view name : known) valid += (valid.empty() ? "" : " ") + std::string(name);
    return "annotation '" + std::string(key) + "' is not a setting of the built-in " + std::string(hook->name) +
           " hook" + did_you_mean(setting, known) + "; valid: " + valid;
}

std::string annotation_env_name(std::string_view key) {
    std::string name(kEnvPrefix);
    for (char c : key) {
        if (c == '.') name += "__";
        else name += c == '-' ? '_' : c;
    }
    return name;
}

std::string host_annotation_warning(const EnvMap& host_env) {
    std::string found;
    for (auto it = host_env.lower_bound(std::string(kEnvPrefix)); it != host_env.end(); ++it) {
        if (!it->first.starts_with(kEnvPrefix)) break;
        std::string key = it->first.substr(kEnvPrefix.size());
        for (std::size_t pos = key.find("__"); pos != std::string::npos; pos = key.find("__", pos + 1))
            key.replace(pos, 2, ".");
        found += (found.empty() ? "" : ", ") + it->first + " (annotation " + key + ")";
    }
    if (found.empty()) return {};
    return "ignoring host variables " + found +
           "; annotations come only from the EDF and --annotation, so set them under [annotations]";
}

}  // namespace skiff::edf
