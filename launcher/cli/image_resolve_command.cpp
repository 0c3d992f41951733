// `skiff image resolve REF | -e NAME|PATH`: the digest-pinned reference of a registry tag
// (HOST/REPOSITORY@sha256:HEX), or of an EDF's image, from one manifest request that
// skiff-pull makes. An EDF whose image is local has nothing to pin: that is said on stderr,
// stdout stays empty and the status is 0 (the Slurm plugin relies on this).
#include <cstdio>
#include <optional>

#include "common/diagnostics.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/image/local.hpp"
#include "launcher/image/pull_helper.hpp"

namespace skiff::cli {
namespace {

constexpr const char* resolve_usage = "image resolve: usage: skiff image resolve REF | -e NAME|PATH";

// The EDF's image, expanded; nullopt after printing why there is none to resolve.
std::optional<std::string> image_of(const std::string& name, int& status) {
    Diagnostics diag;
    auto env = edf::load(name, {current_directory(), env_from_envp(environ), false, false}, diag);
    print_warnings(diag.warnings);
    if (!env) {
        for (const auto& e : diag.errors) report(e);
        status = report(diag.errors.empty() ? env.error().message : "");
        return std::nullopt;
    }
    if (!env->image) {
        status = report("image resolve: the environment '" + name + "' names no image");
        return std::nullopt;
    }
    if (image::is_local_path(env->image->value)) {
        std::fprintf(stderr,
                     "skiff: %s: image '%s' is local (a squashfs file or directory), not a registry tag: "
                     "nothing to resolve\n",
                     env->image->origin.str().c_str(), env->image->value.c_str());
        status = 0;
        return std::nullopt;
    }
    return env->image->value;
}

}  // namespace

int image_resolve(const std::vector<std::string>& args) {
    std::optional<std::string> value;
    if (args.size() == 2 && (args[0] == "-e" || args[0] == "--environment")) {
        int status = 0;
        value = image_of(args[1], status);
        if (!value) return status;
    } else if (args.size() == 1 && !args[0].starts_with('-')) {
        value = args[0];
        if (image::is_local_path(*value))
            return report("image resolve: '" + *value + "' is a local path, not a registry tag: nothing to resolve");
    } else {
        return report(resolve_usage);
    }
    return resolve_registry_image(*value);
}

int resolve_registry_image(const std::string& value) {
    auto ref = image::classify_registry(value, "", current_directory());
    if (!ref) return report(ref.error().message);
    std::fflush(stdout);  // what was printed before comes first
    return report(image::exec_pull_helper({"resolve", value}).message);
}

}  // namespace skiff::cli
