#include "launcher/cli/linker_facts.hpp"

#include "launcher/image/image_file_source.hpp"
#include "libfabric-bind/linker_config.hpp"

namespace skiff::cli {
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

void warn_all(const std::vector<std::string>& warnings, Diagnostics& diag) {
    for (const auto& w : warnings) diag.warn(w);
}

// musl needs each library under its soname; skiff keeps those links in one directory of its
// own, listed first in the path file, because the injected directories are read-only binds.
void use_links_dir(const ldcache::MuslPlan& musl, plan::LinkerConfig& config) {
    config.musl_path_file = musl.path;
    config.musl_path_content = musl.content;
    if (musl.links.empty()) return;
    config.musl_path_content = std::string(plan::musl_links_dir) + "\n" + musl.content;
    for (const auto& link : musl.links) {
        auto slash = link.link.rfind('/');
        std::string target = link.target.starts_with("/") ? link.target : link.link.substr(0, slash + 1) + link.target;
        config.musl_links.emplace_back(link.link.substr(slash + 1), target);
    }
}

}  // namespace

Result<std::optional<plan::LinkerConfig>> read_linker_config(const edf::Environment& environment,
                                                             const image::ImageSource& image,
                                                             const std::vector<std::string>& command,
                                                             Diagnostics& diag) {
    auto dirs = injected_dirs(environment);
    if (!dirs) return Unexpected(dirs.error());
    if (dirs->empty()) return std::optional<plan::LinkerConfig>{};
    auto files = image::open_file_source(image);
    if (!files) return Unexpected(files.error());
    ldcache::DetectOptions options;
    if (!command.empty()) options.command = command.front();
    auto libc = ldcache::detect_libc(**files, options);
    if (!libc) return Unexpected(libc.error());
    warn_all(libc->warnings, diag);
    plan::LinkerConfig config;
    if (libc->glibc) {
        auto glibc = ldcache::plan_glibc_cache(**files, *dirs, *libc->arch);
        if (!glibc) return Unexpected(glibc.error());
        warn_all(glibc->warnings, diag);
        config.glibc_cache = std::move(glibc->bytes);
    }
    if (libc->musl) {
        auto musl = ldcache::plan_musl_path(**files, *libc, *dirs);
        if (!musl) return Unexpected(musl.error());
        warn_all(musl->warnings, diag);
        use_links_dir(*musl, config);
    }
    return std::optional<plan::LinkerConfig>(std::move(config));
}

}  // namespace skiff::cli
