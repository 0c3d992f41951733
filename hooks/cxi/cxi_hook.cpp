#include "hooks/cxi/cxi_hook.hpp"

#include <sys/stat.h>

#include "hooks/host_libraries.hpp"

namespace skiff::hooks {
namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

plan::MountOp read_only_bind(const std::string& source, const std::string& destination, const std::string& why) {
    plan::MountOp op;
    op.kind = plan::MountKind::bind;
    op.source = source;
    op.destination = destination;
    op.read_only = true;
    op.create = plan::CreatePolicy::like_source;
    op.missing = plan::MissingSource::skip;  // a device that vanished since the glob
    op.origin = "hook cxi: " + why;
    return op;
}

void add_devices(const CxiSettings& settings, Contribution& out) {
    std::vector<std::string> missing;
    for (const auto& device : expand_device_globs(settings.devices, missing)) {
        out.mounts.push_back(read_only_bind(device, device, "device"));
        out.notes.push_back("device " + device);
    }
    for (const auto& pattern : missing) out.notes.push_back("no device matches " + pattern + " on this node");
}

// The host's provider DSOs, if any: the configured directory, else libfabric/ next to the
// injected libfabric (where libfabric itself looks).
std::optional<std::string> host_providers(const CxiSettings& settings, const InjectedLibrary& libfabric,
                                          std::vector<plan::HostInput>& inputs) {
    if (settings.providers) return settings.providers;
    std::string guess = libfabric.host_path.substr(0, libfabric.host_path.rfind('/')) + "/libfabric";
    inputs.push_back({guess, true});
    if (is_directory(guess)) return guess;
    return std::nullopt;
}

void add_provider_path(const CxiSettings& settings, Contribution& out) {
    const InjectedLibrary* libfabric = nullptr;
    for (const auto& lib : out.libraries)
        if (lib.name.starts_with("libfabric.so")) libfabric = &lib;
    if (!libfabric) return;
    out.env.emplace_back("FI_PROVIDER_PATH", provider_dir);
    auto providers = host_providers(settings, *libfabric, *out.host_inputs);
    if (!providers) {
        out.notes.push_back("FI_PROVIDER_PATH=" + std::string(provider_dir) + ": empty, libfabric uses its built-in providers");
        return;
    }
    plan::MountOp op = read_only_bind(*providers, provider_dir, "libfabric providers");
    op.create = plan::CreatePolicy::directory;
    out.mounts.insert(out.mounts.begin(), std::move(op));
    out.notes.push_back("providers " + *providers + " -> " + provider_dir);
}

}  // namespace

Result<Contribution> cxi_contribution(const HookContext& ctx, const CxiSettings& settings) {
    Contribution out;
    out.hook = "cxi";
    auto roots = expand_library_globs(settings.libraries, settings.libraries_key);
    if (!roots) return Unexpected(roots.error());
    auto selection = select_libraries(ctx, "cxi", *roots);
    if (!selection) return Unexpected(selection.error());
    out.host_inputs = std::move(selection->inputs);
    add_glob_inputs(settings.libraries, *out.host_inputs);
    add_glob_inputs(settings.devices, *out.host_inputs);
    out.libraries = std::move(selection->libraries);
    out.notes = std::move(selection->notes);
    if (selection->musl_warning) out.warnings.push_back(*selection->musl_warning);
    add_provider_path(settings, out);
    add_devices(settings, out);
    for (const auto& kv : settings.env) out.env.push_back(kv);
    return out;
}

}  // namespace skiff::hooks
