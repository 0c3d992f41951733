#include "launcher/gather/gather.hpp"

#include "hooks/external/external_settings.hpp"
#include "hooks/external/find_hooks.hpp"
#include "launcher/edf/annotations.hpp"
#include "launcher/edf/paths.hpp"
#include "hooks/external/hook_environment.hpp"
#include "hooks/hook.hpp"
#include "launcher/gather/hooks.hpp"
#include "launcher/gather/host_facts.hpp"
#include "launcher/gather/image_facts.hpp"
#include "launcher/gather/load_environment.hpp"
#include "launcher/gather/registry_image.hpp"
#include "launcher/gather/save_target.hpp"
#include "launcher/image/local.hpp"
#include "launcher/plan/environment_layers.hpp"

namespace skiff::gather {
namespace {

// skiff's state directories, which only squashfs images use; a problem is said once. A dry
// run creates none: one that does not exist yet has its path and no descriptor.
StateDirs state_dirs_for(const plan::HostFacts& host, const image::ImageSource& image, bool dry_run,
                         Diagnostics& diag) {
    if (image.kind != image::ImageSource::Kind::squashfs) return {};
    auto dirs = state_dirs(host.env, host.uid, dry_run ? Missing::leave : Missing::create);
    if (!dirs.problem.empty()) diag.warn(dirs.problem + "; no image facts cache and no image server for this launch");
    return dirs;
}

// The hooks.d scripts of the site's and the user's directories, in the order they run, with
// their settings; the planner adds which variables they may not change.
Result<plan::ExternalHooks> find_external_hooks(const plan::PlanRequest& request) {
    auto settings = hooks::external::read_settings(request.site, request.host.env);
    if (!settings) return Unexpected(settings.error());
    plan::ExternalHooks hooks;
    for (const auto& dir : {settings->system_dir, settings->user_dir}) {
        auto found = hooks::external::find_hooks(dir);
        if (!found) return Unexpected(found.error());
        hooks.scripts.insert(hooks.scripts.end(), found->begin(), found->end());
    }
    hooks.timeout_s = settings->timeout_s;
    return hooks;
}

// The EDF and the command line, merged, in `request.environment`; the hooks.d scripts found.
Result<void> load_request_environment(const RunOptions& options, plan::PlanRequest& request, const std::string& cwd,
                                      Diagnostics& diag, Timeline& timeline) {
    auto hooks = find_external_hooks(request);
    if (!hooks) return Unexpected(hooks.error());
    request.external_hooks = std::move(*hooks);
    edf::LoadOptions load{cwd, request.host.env, false, options.image.has_value()};
    if (auto warning = edf::host_annotation_warning(request.host.env); !warning.empty()) diag.warn(warning);
    auto environment = load_environment(options, load, diag);
    if (!environment) return Unexpected(environment.error());
    request.environment = std::move(*environment);
    for (auto& warning : hooks::annotation_warnings(request.environment)) diag.warn(std::move(warning));
    for (auto& warning : plan::task_variable_warnings(request.environment, request.host.env))
        diag.warn(std::move(warning));
    if (!request.external_hooks.scripts.empty())
        request.external_hooks.environment =
            hooks::external::hook_environment(request.host.env, request.environment.annotations);
    timeline.step("loaded the environment");
    return {};
}

// A registry reference becomes a local squashfs file (registry_image.hpp); a temporary one is
// kept open in `keep` until the exec and is served cold (an image server would outlive it).
Result<std::string> local_image(const edf::Sourced<std::string>& value, const std::string& cwd, const EnvMap& env,
                                bool may_pull, UniqueFd& keep, std::string& cold_reason, Diagnostics& diag,
                                Timeline& timeline) {
    if (image::is_local_path(value.value)) return value.value;
    auto registry = obtain_registry_image(value.value, value.origin.str(), cwd, env, may_pull, diag.warnings);
    if (!registry) return Unexpected(registry.error());
    if (registry->temporary && cold_reason.empty())
        cold_reason = "the registry image is a temporary file (" + registry->why_temporary +
                      ") that an image server would outlive";
    keep = std::move(registry->keep);
    timeline.step("found the registry image in " + registry->path);
    return registry->path;
}

// The image as a local file or directory (pulled first if it is a registry reference).
Result<void> classify_request_image(const RunOptions& options, plan::PlanRequest& request, const std::string& cwd,
                                    UniqueFd& keep_image, Diagnostics& diag, Timeline& timeline) {
    const auto& image_value = *request.environment.image;
    request.cold_reason = options.cold ? "--cold" : "";
    auto image_path = local_image(image_value, cwd, request.host.env, !options.dry_run, keep_image, request.cold_reason,
                                  diag, timeline);
    if (!image_path) return Unexpected(image_path.error());
    auto image = image::classify(*image_path, image_value.origin.str(), cwd);
    if (!image) return Unexpected(image.error());
    request.image = std::move(*image);
    return {};
}

// The runtime directories, held in `kept`, into the request. Under --dry-run the servers'
// directory may not exist yet: the plan names it all the same, as the launch would use it.
void use_state_dirs(plan::PlanRequest& request, KeptOpen& kept, bool dry_run, Diagnostics& diag) {
    kept.state = state_dirs_for(request.host, request.image, dry_run, diag);
    const auto& state = kept.state;
    if (state.image_servers.valid() || (dry_run && !state.image_servers.path.empty())) {
        request.server_directory = state.image_servers.path;
        request.server_directory_fd = state.image_servers.fd.get();
    }
    request.server_directory_problem = state.problem;
    if (state.image_facts.valid()) {
        request.read_profiles = state.image_facts.via();
        request.read_profiles_fd = state.image_facts.fd.get();
    }
}

// The image's facts, through the facts cache (which shares a directory with the read profiles);
// a dry run reads the cache but never writes it.
Result<void> read_request_image_facts(plan::PlanRequest& request, bool dry_run, Timeline& timeline) {
    bool cached = false;
    auto facts = read_image_facts(request.image, request.read_profiles, cached,
                                  dry_run ? CacheMiss::leave : CacheMiss::store);
    if (!facts) return Unexpected(facts.error());
    request.image_facts = std::move(*facts);
    timeline.step(cached ? "read the image's metadata (cached)" : "read the image's metadata");
    return {};
}

}  // namespace

Result<plan::PlanRequest> gather(const RunOptions& options, const site::SiteConfig& site, plan::HostFacts host,
                                 KeptOpen& kept, Diagnostics& diag, Timeline& timeline) {
    if (auto r = hooks::check_site_tables(site); !r) return Unexpected(r.error());
    plan::PlanRequest request;
    request.site = &site;
    request.host = std::move(host);
    request.command = options.command;
    request.map_root = options.root;
    const std::string& cwd = request.host.cwd;
    if (options.overlay_dir) {  // claimed (created, locked) only by a launch: gather/overlay_dir.hpp
        if (options.overlay_dir->empty()) return fail("--overlay needs a directory, as in --overlay ~/overlays/a");
        request.overlay_dir = edf::make_absolute(cwd, *options.overlay_dir);
    }
    if (auto r = load_request_environment(options, request, cwd, diag, timeline); !r) return Unexpected(r.error());
    if (auto r = classify_request_image(options, request, cwd, kept.image, diag, timeline); !r)
        return Unexpected(r.error());
    use_state_dirs(request, kept, options.dry_run, diag);
    if (auto r = read_request_image_facts(request, options.dry_run, timeline); !r) return Unexpected(r.error());
    // The probe memo and the libc cache are written back after a detection; a dry run does
    // without them.
    std::string probe_memo = options.dry_run ? std::string() : kept.state.elf_probes();
    std::string libc_cache = options.dry_run ? std::string() : request.read_profiles;
    if (auto r = gather_hooks(request, probe_memo, libc_cache, diag, timeline); !r) return Unexpected(r.error());
    auto save = save_target(options, request.environment, cwd);
    if (!save) return Unexpected(save.error());
    request.save = std::move(*save);
    return request;
}

}  // namespace skiff::gather
