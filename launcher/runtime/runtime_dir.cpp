#include "launcher/runtime/runtime_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::runtime {
namespace {

bool is_users_directory(const std::string& path, uid_t uid) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

}  // namespace

std::string runtime_dir_path(const EnvMap& host_env, uid_t uid) {
    auto xdg = host_env.find("XDG_RUNTIME_DIR");
    if (xdg != host_env.end() && xdg->second.starts_with('/') && is_users_directory(xdg->second, uid))
        return xdg->second + "/skiff";
    return "/tmp/skiff-" + std::to_string(uid);
}

Result<std::string> private_subdir(const std::string& parent, const std::string& name, uid_t uid) {
    std::string path = parent.empty() ? name : parent + "/" + name;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        return fail("cannot create skiff's runtime directory '" + path + "': " + std::strerror(errno));
    struct stat st {};
    // lstat: a symlink planted in /tmp by another user must not redirect skiff's state.
    if (::lstat(path.c_str(), &st) != 0)
        return fail("cannot inspect skiff's runtime directory '" + path + "': " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077) != 0)
        return fail("skiff's runtime directory '" + path +
                    "' is not a private directory of yours (it must be a directory with mode 0700 owned by uid " +
                    std::to_string(uid) + "); remove it, or set XDG_RUNTIME_DIR to a directory of yours");
    return path;
}

Result<std::string> private_runtime_dir(const EnvMap& host_env, uid_t uid) {
    return private_subdir("", runtime_dir_path(host_env, uid), uid);
}

StateDirs state_dirs(const EnvMap& host_env, uid_t uid) {
    auto runtime = private_runtime_dir(host_env, uid);
    auto facts = runtime ? private_subdir(*runtime, "image-facts", uid) : runtime;
    auto servers = facts ? private_subdir(*runtime, "servers", uid) : facts;
    if (!servers) return {{}, {}, {}, servers.error().message};
    return {*facts, *servers, *facts + "/elf-probes", {}};
}

}  // namespace skiff::runtime
