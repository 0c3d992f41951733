#include "launcher/gather/save_target.hpp"

#include <filesystem>

#include "common/image_file_place.hpp"
#include "launcher/image/pull_helper.hpp"

namespace skiff::gather {
namespace {

namespace fs = std::filesystem;

std::optional<plan::ImageSave> requested_save(const RunOptions& options, const edf::Environment& environment) {
    plan::ImageSave save;
    if (options.save) {
        save.path = *options.save;
        save.origin = "command line";
        save.always = options.save_always;
        return save;
    }
    auto path = environment.annotations.find(plan::save_annotation);
    if (path == environment.annotations.end()) return std::nullopt;
    save.path = path->second.value;
    save.origin = path->second.origin.str();
    auto always = environment.annotations.find(plan::save_always_annotation);
    save.always = options.save_always || (always != environment.annotations.end() && always->second.value == "true");
    return save;
}

}  // namespace

Result<std::optional<plan::ImageSave>> save_target(const RunOptions& options, const edf::Environment& environment,
                                                   const std::string& cwd) {
    auto save = requested_save(options, environment);
    if (!save) {
        if (options.save_always) return fail("--save-always needs --save FILE");
        return save;
    }
    const std::string context = save->context();
    if (save->path.empty()) return fail(context + ": the image file is empty; name the file to write");
    if (!save->path.starts_with('/')) {
        if (options.save) save->path = (fs::path(cwd) / save->path).lexically_normal().string();
        else return fail(context + ": '" + save->path + "' is not an absolute path; use one, e.g. ${SCRATCH}/saved.sqsh");
    }
    if (auto problem = image_file_place_problem(save->path); !problem.empty()) return fail(context + ": " + problem);
    auto helper = image::find_pull_helper();
    if (!helper) return Unexpected(helper.error());
    save->helper = *helper;
    return save;
}

}  // namespace skiff::gather
