#include "launcher/gather/registry_image.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/env_map.hpp"
#include "launcher/image/pull_helper.hpp"
#include "launcher/image/local.hpp"
#include "launcher/image/store.hpp"
#include "common/sys_error.hpp"

namespace skiff::gather {
namespace {

Result<RegistryImage> pull_to_temporary(const std::string& value, const EnvMap& env) {
    std::string path = temporary_directory(env) + "/skiff-image-XXXXXX.sqsh";
    UniqueFd reserve(::mkostemps(path.data(), 5, O_CLOEXEC));
    if (!reserve.valid()) return Unexpected(SysError{errno, "mkstemp", path}.to_error("image pull"));
    auto pulled = image::run_pull_helper({"pull", value, "-o", path});
    RegistryImage out;
    out.keep.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    int open_errno = errno;
    ::unlink(path.c_str());
    if (!pulled) return Unexpected(pulled.error());
    if (!out.keep.valid()) return Unexpected(SysError{open_errno, "open", path}.to_error("image pull"));
    out.path = "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(out.keep.get());
    out.temporary = true;
    return out;
}

// Why --dry-run cannot plan with a registry image, and what works: without a store (void),
// `skiff image pull` refuses too, and only a launch pulls (into a temporary file).
std::string not_pulled(const std::string& value, const std::string& file) {
    if (file.empty())
        return "image '" + value + "' cannot be planned with --dry-run: there is no image store (EDF_IMAGESTORE=void, " +
               "or no usable store directory), so only a launch pulls it; run without --dry-run, or set " +
               "EDF_IMAGESTORE to a directory and run 'skiff image pull " + value + "' first";
    return "image '" + value + "' is not in the image store ('" + file + "') and --dry-run does not pull; run 'skiff " +
           "image pull " + value + "' first";
}

}  // namespace

Result<RegistryImage> obtain_registry_image(const std::string& value, const std::string& where,
                                            const std::string& cwd, const EnvMap& env, bool may_pull,
                                            std::vector<std::string>& warnings) {
    auto ref = image::classify_registry(value, where, cwd);
    if (!ref) return Unexpected(ref.error());
    auto store = image::locate_store(env, may_pull ? image::MissingStore::create : image::MissingStore::leave);
    if (!store) return fail((where.empty() ? "" : where + ": ") + store.error().message);
    if (!store->warning.empty()) warnings.push_back(store->warning);
    std::string file = store->is_void ? "" : image::store_file(*store, *ref, image::machine_architecture());
    struct stat st {};
    if (!file.empty() && ::stat(file.c_str(), &st) == 0) return RegistryImage{file, false, {}, {}};
    if (!may_pull) return fail((where.empty() ? "" : where + ": ") + not_pulled(value, file));
    if (store->is_void) {
        auto temporary = pull_to_temporary(value, env);
        if (temporary) temporary->why_temporary = store->warning.empty() ? "EDF_IMAGESTORE=void" : "no usable image store";
        return temporary;
    }
    auto pulled = image::run_pull_helper({"pull", value});
    if (!pulled) return Unexpected(pulled.error());
    return RegistryImage{*pulled, false, {}, {}};
}

}  // namespace skiff::gather
