#include "launcher/gather/runtime_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <optional>

#include "namespaces/held_dir.hpp"

namespace skiff::gather {
namespace {

// Users other than the owner may rename or remove its entries.
bool others_may_rename(const struct stat& st) {
    return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0;
}

Error not_private(const std::string& path, uid_t uid) {
    return Error{"skiff's runtime directory '" + path +
                 "' is not a private directory of yours (it must be a directory with mode 0700 owned by uid " +
                 std::to_string(uid) + "); remove it, or set XDG_RUNTIME_DIR to a directory of yours"};
}

// XDG_RUNTIME_DIR, held, when it names a directory of the user's; nullopt: use the fallback.
Result<std::optional<HeldDir>> open_xdg(const EnvMap& env, uid_t uid) {
    auto xdg = env.find("XDG_RUNTIME_DIR");
    if (xdg == env.end() || !xdg->second.starts_with('/')) return std::optional<HeldDir>{};
    const std::string& path = xdg->second;
    auto fd = ns::open_directory(AT_FDCWD, path, path);
    auto st = fd ? ns::status_of(fd->get(), path) : SysResult<struct stat>(Unexpected(fd.error()));
    if (!st || st->st_uid != uid) return std::optional<HeldDir>{};
    if (others_may_rename(*st))
        return fail(fmt::format("XDG_RUNTIME_DIR '{}' (mode {:04o}) is writable by others and has no sticky bit, so "
                                "they could swap skiff's sockets and caches in it; make it private (chmod 0700 '{}')",
                                path, st->st_mode & 07777, path));
    return std::optional<HeldDir>(HeldDir{path, std::move(*fd)});
}

// Opens `name` in the directory `parent` (absolute: AT_FDCWD), creating it first if it is
// missing (Missing::leave: a HeldDir without a descriptor), and checks that it is private.
Result<HeldDir> private_directory(int parent, const std::string& name, const std::string& path, uid_t uid,
                                  Missing missing) {
    auto fd = ns::open_directory(parent, name, path);
    if (!fd && fd.error().code == ENOENT && missing == Missing::leave) return HeldDir{path, {}};
    if (!fd && fd.error().code == ENOENT) {
        auto made = ns::make_directory(parent, name, 0700, path);
        if (!made && made.error().code != EEXIST)
            return Unexpected(made.error().to_error("cannot create skiff's runtime directory"));
        fd = ns::open_directory(parent, name, path);
    }
    // ENOTDIR: a symlink or another file in its place.
    if (!fd && fd.error().code != ENOTDIR) return Unexpected(fd.error().to_error("cannot open skiff's runtime directory"));
    if (!fd) return Unexpected(not_private(path, uid));
    auto st = ns::status_of(fd->get(), path);
    if (!st) return Unexpected(st.error().to_error("cannot inspect skiff's runtime directory"));
    if (!S_ISDIR(st->st_mode) || st->st_uid != uid || (st->st_mode & 077) != 0) return Unexpected(not_private(path, uid));
    return HeldDir{path, std::move(*fd)};
}

StateDirs unusable(const Error& error) {
    StateDirs dirs;
    dirs.problem = error.message;
    return dirs;
}

}  // namespace

std::string HeldDir::via() const { return ns::path_through(fd.get()); }

Result<HeldDir> private_runtime_dir(const EnvMap& host_env, uid_t uid, const std::string& fallback_parent,
                                    Missing missing) {
    auto xdg = open_xdg(host_env, uid);
    if (!xdg) return Unexpected(xdg.error());
    if (*xdg) return private_subdir(**xdg, "skiff", uid, missing);
    std::string path = fallback_parent + "/skiff-" + std::to_string(uid);
    return private_directory(AT_FDCWD, path, path, uid, missing);
}

Result<HeldDir> private_subdir(const HeldDir& parent, const std::string& name, uid_t uid, Missing missing) {
    std::string path = parent.path + "/" + name;
    if (!parent.valid()) return HeldDir{path, {}};  // Missing::leave, and the parent is missing
    return private_directory(parent.fd.get(), name, path, uid, missing);
}

StateDirs state_dirs(const EnvMap& host_env, uid_t uid, Missing missing) {
    auto runtime = private_runtime_dir(host_env, uid, "/tmp", missing);
    if (!runtime) return unusable(runtime.error());
    auto facts = private_subdir(*runtime, "image-facts", uid, missing);
    if (!facts) return unusable(facts.error());
    auto servers = private_subdir(*runtime, "servers", uid, missing);
    if (!servers) return unusable(servers.error());
    return {std::move(*runtime), std::move(*facts), std::move(*servers), {}};
}

std::string StateDirs::elf_probes() const { return image_facts.valid() ? image_facts.via() + "/elf-probes" : ""; }

}  // namespace skiff::gather
