#include "launcher/image/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>
#include <utility>

#include "common/env_map.hpp"
#include "common/sys_error.hpp"

namespace skiff::image {
namespace {

constexpr mode_t store_mode = 0700;
constexpr std::string_view image_suffix = ".sqsh";

// mkdir -p with mode 0700 for the parts that do not exist yet.
int make_directories(const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        std::string part = path.substr(0, slash);
        if (::mkdir(part.c_str(), store_mode) != 0 && errno != EEXIST) return errno;
        if (slash == std::string::npos) break;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

Result<StoreLocation> explicit_store(const std::string& value) {
    if (value == store_void) return StoreLocation{true, "", ""};
    struct stat st {};
    if (!value.starts_with('/') || ::stat(value.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail("EDF_IMAGESTORE='" + value + "' must be an existing absolute directory or 'void'");
    return StoreLocation{false, value, ""};
}

}  // namespace

Result<StoreLocation> locate_store(const EnvMap& env, MissingStore missing) {
    if (env.contains("EDF_IMAGESTORE")) return explicit_store(env_value(env, "EDF_IMAGESTORE"));
    std::string dir;
    if (std::string scratch = env_value(env, "SCRATCH"); !scratch.empty()) dir = scratch + "/.edf_imagestore";
    else if (std::string cache = env_value(env, "XDG_CACHE_HOME"); cache.starts_with('/')) dir = cache + "/skiff/images";
    else if (std::string home = env_value(env, "HOME"); home.starts_with('/')) dir = home + "/.cache/skiff/images";
    else return StoreLocation{true, "", "no image store (neither SCRATCH, XDG_CACHE_HOME nor HOME is set)"};
    if (missing == MissingStore::leave) return StoreLocation{false, dir, ""};
    if (int code = make_directories(dir); code != 0)
        return StoreLocation{true, "", SysError{code, "mkdir", dir}.to_error("image store").message +
                                           "; pulling into a temporary file for this launch"};
    return StoreLocation{false, dir, ""};
}

std::string machine_architecture() {
    struct utsname u {};
    if (::uname(&u) != 0) return "unknown";
    return u.machine;
}

std::string store_file(const StoreLocation& store, const RegistryRef& ref, const std::string& machine) {
    return store.dir + "/" + ref.store_file_name(machine);
}

Result<UniqueFd> lock_store_file(const std::string& file) {
    std::string lock = file + lock_suffix;
    UniqueFd fd(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return Unexpected(SysError{errno, "open", lock}.to_error("image store lock"));
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return Unexpected(SysError{errno, "flock", lock}.to_error("image store lock"));
    return fd;
}

Result<std::vector<StoredImage>> list_store(const std::string& dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return Unexpected(SysError{errno, "opendir", dir}.to_error("image store"));
    std::vector<StoredImage> images;
    while (dirent* entry = ::readdir(d.get())) {
        std::string name = entry->d_name;
        if (name.starts_with('.') || !name.ends_with(image_suffix)) continue;
        StoredImage image{dir + "/" + name, name, "", 0, 0};
        struct stat st {};
        if (::stat(image.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        std::string stem = name.substr(0, name.size() - image_suffix.size());
        image.arch = stem.substr(stem.rfind('.') + 1);
        image.size = static_cast<std::uint64_t>(st.st_size);
        image.mtime = st.st_mtim.tv_sec;
        images.push_back(std::move(image));
    }
    std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return images;
}

}  // namespace skiff::image
