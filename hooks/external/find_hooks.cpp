#include "hooks/external/find_hooks.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace skiff::hooks::external {
namespace {

bool is_runnable_hook(const std::string& path, const std::string& name) {
    if (name.size() <= 3 || !name.ends_with(".sh")) return false;
    struct stat st {};
    // stat follows symlinks, as enroot's `[ -x ]` does.
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Result<std::vector<std::string>> find_hooks(const std::string& directory) {
    std::vector<std::string> hooks;
    if (directory.empty()) return hooks;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), ::closedir);
    if (!dir) {
        if (errno == ENOENT || errno == ENOTDIR) return hooks;
        return fail("cannot read the hook directory '" + directory + "': " + std::strerror(errno));
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir.get())) names.emplace_back(entry->d_name);
    std::sort(names.begin(), names.end());  // std::string compares bytes: the C locale's order
    for (const auto& name : names) {
        std::string path = directory + (directory.ends_with("/") ? "" : "/") + name;
        if (is_runnable_hook(path, name)) hooks.push_back(path);
    }
    return hooks;
}

}  // namespace skiff::hooks::external
