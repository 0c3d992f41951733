#include "namespaces/path_in_root.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace skiff::ns {
namespace {

constexpr int max_eagain_retries = 64;

}  // namespace

SysResult<UniqueFd> open_root(const std::string& host_path) {
    int fd = ::open(host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return sys_fail("open", host_path);
    return UniqueFd(fd);
}

SysResult<UniqueFd> open_in_root(int root_fd, const std::string& path, int flags) {
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // A path with ".." fails with EAGAIN when any mount or rename happened anywhere on the
    // system during the walk (the kernel cannot then prove ".." stayed inside the root);
    // openat2(2) says to retry. Other launches mounting at the same time make that common.
    for (int attempt = 0;; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
        if (fd >= 0) return UniqueFd(static_cast<int>(fd));
        if (errno != EAGAIN || attempt == max_eagain_retries) return sys_fail("openat2", path);
    }
}

SysResult<std::string> read_file_in_root(int root_fd, const std::string& path, std::size_t limit) {
    auto fd = open_in_root(root_fd, path, O_RDONLY);
    if (!fd) return Unexpected(fd.error());
    std::string data;
    char buffer[8192];
    while (data.size() < limit) {
        ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
        if (n < 0) return sys_fail("read", path);
        if (n == 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
}

}  // namespace skiff::ns

namespace skiff::ns {
namespace {

SysResult<void> create_component(int root_fd, const std::string& parent, const std::string& name,
                                 NodeKind kind, const std::string& full) {
    auto dir = open_in_root(root_fd, parent.empty() ? "/" : parent, O_PATH | O_DIRECTORY);
    if (!dir) return Unexpected(dir.error());
    if (kind == NodeKind::directory) {
        if (::mkdirat(dir->get(), name.c_str(), 0755) != 0 && errno != EEXIST)
            return sys_fail("mkdir", full);
        return {};
    }
    // O_NOFOLLOW|O_EXCL: never create through a symlink (which would resolve outside the root);
    // an existing symlink is resolved, confined, by the caller's open_in_root.
    int fd = ::openat(dir->get(), name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) return sys_fail("create", full);
    if (fd >= 0) ::close(fd);
    return {};
}

// Linux's MAXSYMLINKS: how many dangling symlinks one destination may pass through.
constexpr int max_symlinks = 40;

// The target of `name` in `parent` if it is a symlink, else nullopt.
std::optional<std::string> symlink_target(int root_fd, const std::string& parent, const std::string& name) {
    auto dir = open_in_root(root_fd, parent.empty() ? "/" : parent, O_PATH | O_DIRECTORY);
    if (!dir) return std::nullopt;
    char buffer[4096];
    ssize_t n = ::readlinkat(dir->get(), name.c_str(), buffer, sizeof buffer);
    if (n <= 0 || n == static_cast<ssize_t>(sizeof buffer)) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
}

SysResult<UniqueFd> ensure(int root_fd, const std::string& path, NodeKind kind, int symlinks) {
    std::string prefix;
    std::size_t start = 1;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string name = path.substr(start, end - start);
        start = end + 1;
        if (name.empty() || name == ".") continue;
        std::string next = prefix + "/" + name;
        bool last = end >= path.size();
        auto existing = open_in_root(root_fd, next, O_PATH);
        if (!existing) {
            if (existing.error().code != ENOENT) return existing;
            // A dangling symlink: create its target instead, read as a path inside the root
            // (an absolute target starts at the container's root, ".." stops there).
            if (auto target = symlink_target(root_fd, prefix, name)) {
                if (symlinks >= max_symlinks) return sys_fail("resolve", path, ELOOP);
                std::string redirected = (target->starts_with("/") ? *target : prefix + "/" + *target) +
                                         (last ? "" : path.substr(end));
                return ensure(root_fd, redirected, kind, symlinks + 1);
            }
            NodeKind component = last ? kind : NodeKind::directory;
            if (auto r = create_component(root_fd, prefix, name, component, next); !r)
                return Unexpected(r.error());
        }
        prefix = next;
    }
    return open_in_root(root_fd, path, O_PATH);
}

}  // namespace

SysResult<UniqueFd> ensure_in_root(int root_fd, const std::string& path, NodeKind kind) {
    return ensure(root_fd, path, kind, 0);
}

}  // namespace skiff::ns

namespace skiff::ns {

SysResult<void> write_file_in_root(int root_fd, const std::string& path, const std::string& content) {
    auto slash = path.rfind('/');
    std::string parent = slash == 0 ? "/" : path.substr(0, slash);
    std::string name = path.substr(slash + 1);
    if (auto made = ensure_in_root(root_fd, parent, NodeKind::directory); !made) return Unexpected(made.error());
    auto dir = open_in_root(root_fd, parent, O_RDONLY | O_DIRECTORY);
    if (!dir) return Unexpected(dir.error());
    std::string temporary = "." + name + ".skiff-new";
    UniqueFd file(::openat(dir->get(), temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file.valid()) return sys_fail("create", parent + "/" + temporary);
    if (::write(file.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        return sys_fail("write", parent + "/" + temporary);
    if (::renameat(dir->get(), temporary.c_str(), dir->get(), name.c_str()) != 0) return sys_fail("rename", path);
    return {};
}

SysResult<void> remove_symlink_in_root(int root_fd, const std::string& path) {
    auto slash = path.rfind('/');
    std::string parent = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    auto dir = open_in_root(root_fd, parent, O_PATH | O_DIRECTORY);
    if (!dir) return dir.error().code == ENOENT ? SysResult<void>{} : SysResult<void>(Unexpected(dir.error()));
    struct stat st {};
    if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode)) return {};
    if (::unlinkat(dir->get(), name.c_str(), 0) != 0) return sys_fail("unlink", path);
    return {};
}

namespace {

// The mount of an fd: statx's mount id (Linux 5.8), else the device number.
SysResult<std::uint64_t> mount_of(int fd, const std::string& path) {
    struct statx stx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) != 0) return sys_fail("statx", path);
    if (stx.stx_mask & STATX_MNT_ID) return stx.stx_mnt_id;
    return (static_cast<std::uint64_t>(stx.stx_dev_major) << 32) | stx.stx_dev_minor;
}

// Whether `dir`, or its nearest existing ancestor, is on the root's own mount.
SysResult<bool> on_root_mount(int root_fd, std::string dir) {
    auto root = mount_of(root_fd, "/");
    if (!root) return Unexpected(root.error());
    for (;;) {
        auto fd = open_in_root(root_fd, dir, O_PATH);
        if (fd) {
            auto mount = mount_of(fd->get(), dir);
            if (!mount) return Unexpected(mount.error());
            return *mount == *root;
        }
        if (fd.error().code != ENOENT || dir == "/") return Unexpected(fd.error());
        auto slash = dir.rfind('/');
        dir = slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
    }
}

}  // namespace

SysResult<LinkResult> symlink_in_root(int root_fd, const std::string& path, const std::string& target) {
    auto slash = path.rfind('/');
    std::string parent = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    auto same = on_root_mount(root_fd, parent);
    if (!same) return Unexpected(same.error());
    if (!*same) return LinkResult::other_mount;
    if (auto made = ensure_in_root(root_fd, parent, NodeKind::directory); !made) return Unexpected(made.error());
    auto dir = open_in_root(root_fd, parent, O_RDONLY | O_DIRECTORY);
    if (!dir) return Unexpected(dir.error());
    struct stat st {};
    if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISLNK(st.st_mode)) return LinkResult::file_in_the_way;
        if (symlink_target(root_fd, parent, name) == target) return LinkResult::made;
    } else if (errno != ENOENT) {
        return sys_fail("stat", path);
    }
    // A new link under a temporary name, renamed over the old one: the path never goes missing.
    std::string temporary = "." + name + ".skiff-link";
    ::unlinkat(dir->get(), temporary.c_str(), 0);
    if (::symlinkat(target.c_str(), dir->get(), temporary.c_str()) != 0) return sys_fail("symlink", parent + "/" + temporary);
    if (::renameat(dir->get(), temporary.c_str(), dir->get(), name.c_str()) != 0) return sys_fail("rename", path);
    return LinkResult::made;
}

SysResult<void> create_symlinks(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& links) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return sys_fail("mkdir", dir);
    for (const auto& [name, target] : links)
        if (::symlink(target.c_str(), (dir + "/" + name).c_str()) != 0) return sys_fail("symlink", dir + "/" + name);
    return {};
}

}  // namespace skiff::ns
