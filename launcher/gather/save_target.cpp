#include "launcher/gather/save_target.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

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
    auto path = environment.annotations.find(save_annotation);
    if (path == environment.annotations.end()) return std::nullopt;
    save.path = path->second.value;
    save.origin = path->second.origin.str();
    auto always = environment.annotations.find(save_always_annotation);
    save.always = options.save_always || (always != environment.annotations.end() && always->second.value == "true");
    return save;
}

// The file's directory exists and the user may create files in it; the file is not a directory.
Result<void> check_writable_place(const plan::ImageSave& save, const std::string& context) {
    fs::path file(save.path);
    std::string dir = file.parent_path().string();
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(context + ": directory '" + dir + "' does not exist; create it first");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return fail(context + ": you cannot create files in '" + dir + "'; choose a directory of yours");
    if (::stat(save.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return fail(context + ": '" + save.path + "' is a directory; name the image file to write");
    return {};
}

}  // namespace

Result<std::optional<plan::ImageSave>> save_target(const RunOptions& options, const edf::Environment& environment,
                                                   const std::string& cwd) {
    auto save = requested_save(options, environment);
    if (!save) {
        if (options.save_always) return fail("--save-always needs --save FILE");
        return save;
    }
    std::string context = "--save " + save->path;
    if (save->origin != "command line") context = save->origin + ": " + save_annotation;
    if (save->path.empty()) return fail(context + ": the image file is empty; name the file to write");
    if (!save->path.starts_with('/')) {
        if (options.save) save->path = (fs::path(cwd) / save->path).lexically_normal().string();
        else return fail(context + ": '" + save->path + "' is not an absolute path; use one, e.g. ${SCRATCH}/saved.sqsh");
    }
    if (!environment.writable.value)
        return fail(context + ": the root is read-only (" + environment.writable.origin.str() +
                    "); a container is saved from its writable root: add --writable");
    if (auto r = check_writable_place(*save, context); !r) return Unexpected(r.error());
    auto helper = image::find_pull_helper();
    if (!helper) return Unexpected(helper.error());
    save->helper = *helper;
    return save;
}

}  // namespace skiff::gather
