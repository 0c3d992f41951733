#include "launcher/gather/linker_facts.hpp"

#include <algorithm>

#include "launcher/gather/linker_inputs.hpp"

#include "libfabric-bind/linker_config.hpp"

namespace skiff::gather {
namespace {

Result<std::vector<ldcache::InjectedDir>> injected_dirs(const edf::Environment& environment) {
    std::vector<ldcache::InjectedDir> dirs;
    for (const auto& spec : environment.mounts) {
        if (!spec.flags.ldcache) continue;
        if (spec.flags.sqsh)
            return fail(spec.origin.str() + ": 'ldcache' on a sqsh mount is not supported yet; "
                        "mount the library directory with ro+ldcache instead");
        dirs.push_back({spec.source, spec.destination});
    }
    return dirs;
}

// The hooks' libraries as cache keys: each under its name and its aliases; then the files
// their binds put in the container (CDI's update-ldcache) or the image has (CUDA compat).
std::vector<ldcache::InjectedFile> injected_files(const std::vector<plan::Contribution>& contributions) {
    std::vector<ldcache::InjectedFile> files;
    for (const auto& c : contributions)
        for (const auto& lib : c.libraries) {
            files.push_back({lib.name, lib.container_path()});
            for (const auto& alias : lib.aliases) files.push_back({alias, lib.container_path()});
        }
    for (const auto& c : contributions)
        for (const auto& entry : c.cache_entries) files.push_back({entry.key, entry.container_path});
    return files;
}

void warn_all(const std::vector<std::string>& warnings, Diagnostics& diag) {
    for (const auto& w : warnings) diag.warn(w);
}

// musl needs each library under its soname; skiff keeps those links in one directory of its
// own, listed first in the path file, because the injected directories are read-only binds.
// The hooks' libraries already have their sonames as file names in plan::library_dir.
void use_links_dir(const ldcache::MuslPlan& musl, bool hook_libraries, plan::LinkerConfig& config) {
    config.musl_path_file = musl.path;
    config.musl_path_content = musl.content;
    if (!musl.links.empty()) {
        config.musl_path_content = std::string(plan::musl_links_dir) + "\n" + config.musl_path_content;
        for (const auto& link : musl.links) {
            auto slash = link.link.rfind('/');
            std::string target = link.target.starts_with("/") ? link.target : link.link.substr(0, slash + 1) + link.target;
            config.musl_links.emplace_back(link.link.substr(slash + 1), target);
        }
    }
    // After the EDF's directories, which win as in the glibc cache, before the image's own.
    if (hook_libraries) {
        std::size_t at = 0;
        for (std::size_t skip = musl.injected.size() + (musl.links.empty() ? 0 : 1); skip > 0; --skip)
            at = config.musl_path_content.find('\n', at) + 1;
        config.musl_path_content.insert(at, std::string(plan::library_dir) + "\n");
    }
}

}  // namespace

Result<std::optional<plan::LinkerConfig>> read_linker_config(const edf::Environment& environment,
                                                             hooks::ImageLinker* linker,
                                                             const std::vector<plan::Contribution>& contributions,
                                                             const std::string& probe_memo, Diagnostics& diag) {
    auto dirs = injected_dirs(environment);
    if (!dirs) return Unexpected(dirs.error());
    auto files = injected_files(contributions);
    if ((dirs->empty() && files.empty()) || !linker) return std::optional<plan::LinkerConfig>{};
    const auto& libc = linker->libc;
    plan::LinkerConfig config;
    auto inputs = linker_inputs(*dirs);
    if (inputs) config.inputs = std::move(*inputs);
    else config.inputs_problem = inputs.error().message;
    if (libc.glibc) {
        // Only a scan of injected directories uses the memo; the hooks' files are not scanned.
        auto memo = ldcache::ProbeMemo::load(dirs->empty() ? std::string() : probe_memo);
        auto glibc = ldcache::plan_glibc_cache(*linker->files, *dirs, *libc.arch, {}, {}, files, &memo);
        if (!glibc) return Unexpected(glibc.error());
        memo.save();
        warn_all(glibc->warnings, diag);
        config.glibc_cache = std::move(glibc->bytes);
    }
    if (libc.musl) {
        auto musl = ldcache::plan_musl_path(*linker->files, libc, *dirs);
        if (!musl) return Unexpected(musl.error());
        warn_all(musl->warnings, diag);
        bool hook_libraries = std::any_of(contributions.begin(), contributions.end(),
                                          [](const plan::Contribution& c) { return !c.libraries.empty(); });
        use_links_dir(*musl, hook_libraries, config);
    }
    return std::optional<plan::LinkerConfig>(std::move(config));
}

}  // namespace skiff::gather
