#include <sys/stat.h>

#include <array>

#include "hooks/aws_ofi_nccl/nccl_hook.hpp"
#include "hooks/host_libraries.hpp"

namespace skiff::hooks {
namespace {

// The names NCCL loads (NCCL_NET_PLUGIN unset, =ofi, =aws-ofi); the first is the file's name.
constexpr std::array<const char*, 3> kPluginNames{"libnccl-net.so", "libnccl-net-ofi.so", "libnccl-net-aws-ofi.so"};

// The GPU runtime comes from the image or the GPU hook, never from this hook (hooks.md §2).
bool is_gpu_runtime(std::string_view soname) {
    return soname == "libcuda.so.1" || soname.starts_with("libcudart.so") || soname == "libnvidia-ml.so.1" ||
           soname.starts_with("libamdhip64.so") || soname.starts_with("libhsa-runtime64.so");
}

bool is_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// `inputs`: each path looked at, in the order tried.
Result<std::string> find_plugin(const std::string& dir, const std::string& variant, std::vector<plan::HostInput>& inputs) {
    for (const char* sub : {"", "/lib", "/lib64"})
        for (const char* name : kPluginNames) {
            std::string path = dir + sub + "/" + name;
            inputs.push_back({path, true});
            if (is_file(path)) return path;
        }
    return fail("aws_ofi_nccl variant '" + variant + "': no libnccl-net.so (or libnccl-net-ofi.so) in " + dir +
                " or its lib/; check the site configuration");
}

// The plugin is known to NCCL by file name, whatever its DT_SONAME says.
void name_plugin(std::vector<InjectedLibrary>& libraries, const std::string& plugin_real_path) {
    for (auto& lib : libraries) {
        if (lib.host_path != plugin_real_path || lib.reason != "site library") continue;
        lib.name = kPluginNames[0];
        lib.aliases = {kPluginNames[1], kPluginNames[2]};
        lib.reason = "NCCL plugin";
    }
}

std::vector<std::pair<std::string, std::string>> hook_env(const NcclSettings& settings) {
    if (!settings.env) return nccl_default_env();
    auto env = *settings.env;
    for (const auto& [name, value] : env)
        if (name == "NCCL_NET") return env;
    env.insert(env.begin(), {"NCCL_NET", nccl_net_value});
    return env;
}

}  // namespace

std::optional<std::string> nccl_plugin_warning(const EnvMap& final_env) {
    auto it = final_env.find("NCCL_NET_PLUGIN");
    if (it == final_env.end() || it->second == "ofi" || it->second == "aws-ofi") return std::nullopt;
    for (const char* name : kPluginNames)
        if (it->second == name || it->second == std::string(library_dir) + "/" + name) return std::nullopt;
    return "aws_ofi_nccl hook: NCCL_NET_PLUGIN=" + it->second +
           " names another plugin, which NCCL loads instead of the injected one; unset it in the EDF (NCCL_NET_PLUGIN = \"\")";
}

Result<Contribution> nccl_contribution(const HookContext& ctx, const NcclSettings& settings, const std::string& variant) {
    Contribution out;
    out.hook = "aws_ofi_nccl";
    auto dir = variant_directory(settings, variant);
    if (!dir) return Unexpected(dir.error());
    std::vector<plan::HostInput> looked_at;
    auto plugin = find_plugin(*dir, variant, looked_at);
    if (!plugin) return Unexpected(plugin.error());
    auto selection = select_libraries(ctx, "aws_ofi_nccl", {*plugin}, {.exclude = is_gpu_runtime});
    if (!selection) return Unexpected(selection.error());
    out.host_inputs = std::move(selection->inputs);
    out.host_inputs->insert(out.host_inputs->end(), looked_at.begin(), looked_at.end());
    out.libraries = std::move(selection->libraries);
    name_plugin(out.libraries, host_real_path(*plugin));
    out.notes.push_back("variant " + variant + ": " + *plugin);
    for (auto& note : selection->notes) out.notes.push_back(std::move(note));
    if (selection->musl_warning) out.warnings.push_back(*selection->musl_warning);
    out.env = hook_env(settings);
    return out;
}

}  // namespace skiff::hooks
