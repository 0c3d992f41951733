#include "launcher/run/apply_mounts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <optional>

#include "launcher/run/staging.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/path_in_root.hpp"

namespace skiff::run {
namespace {

using plan::MountKind;
using plan::MountOp;

ns::NodeKind destination_kind(const MountOp& op, const HostSource& source) {
    switch (op.create) {
        case plan::CreatePolicy::file: return ns::NodeKind::file;
        case plan::CreatePolicy::like_source:
            return op.kind == MountKind::bind && !source.is_directory ? ns::NodeKind::file : ns::NodeKind::directory;
        case plan::CreatePolicy::directory:
        case plan::CreatePolicy::none: break;
    }
    return ns::NodeKind::directory;
}

ns::MountAttributes flags_of(const MountOp& op) {
    ns::MountAttributes a;
    a.read_only = op.read_only;
    a.nosuid = op.nosuid;
    a.nodev = op.nodev;
    a.noexec = op.noexec;
    return a;
}

ns::MountAttributes propagation_of(const MountOp& op) {
    ns::MountAttributes a;
    bool slave = op.propagation == plan::Propagation::slave || op.propagation == plan::Propagation::rslave;
    a.propagation = slave ? ns::Propagation::slave : ns::Propagation::private_;
    return a;
}

bool recursive_propagation(const MountOp& op) {
    return op.propagation == plan::Propagation::rprivate || op.propagation == plan::Propagation::rslave;
}

// The magic link of an O_PATH fd, for the calls of the old mount API that take a path.
std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

SysResult<UniqueFd> generated_file_tree(const MountOp& op, std::size_t index) {
    std::string path = std::string(Staging::files) + "/" + std::to_string(index);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd.valid()) return sys_fail("create", path);
    if (::write(fd.get(), op.content.data(), op.content.size()) != static_cast<ssize_t>(op.content.size()))
        return sys_fail("write", path);
    return ns::clone_tree(path, false);
}

SysResult<UniqueFd> links_tree(const MountOp& op, std::size_t index) {
    std::string dir = std::string(Staging::files) + "/" + std::to_string(index) + ".d";
    if (auto r = ns::create_symlinks(dir, op.links); !r) return Unexpected(r.error());
    return ns::clone_tree(dir, false);
}

SysResult<void> attach_tree(const MountOp& op, int tree_fd, int target_fd) {
    // Flags follow bind/rbind (an "ro" rbind makes every submount read-only); propagation
    // follows private/rprivate and slave/rslave.
    if (auto r = ns::set_attributes(tree_fd, flags_of(op), op.recursive, op.destination); !r) return r;
    if (auto r = ns::set_attributes(tree_fd, propagation_of(op), recursive_propagation(op), op.destination); !r) return r;
    return ns::attach(tree_fd, target_fd, op.destination);
}

SysResult<void> apply_one(const MountOp& op, std::size_t index, HostSource& source, int target_fd) {
    switch (op.kind) {
        case MountKind::bind: return attach_tree(op, source.tree.get(), target_fd);
        case MountKind::file: {
            auto tree = generated_file_tree(op, index);
            if (!tree) return SysResult<void>(Unexpected(tree.error()));
            return attach_tree(op, tree->get(), target_fd);
        }
        case MountKind::links: {
            auto tree = links_tree(op, index);
            if (!tree) return SysResult<void>(Unexpected(tree.error()));
            return attach_tree(op, tree->get(), target_fd);
        }
        case MountKind::tmpfs: return ns::mount_tmpfs(fd_path(target_fd), op.options);  // nosuid,nodev
        case MountKind::sqsh:
        case MountKind::write:
        case MountKind::symlink: break;
    }
    return {};
}

bool cannot_create(const SysError& error) {
    return error.code == EACCES || error.code == EPERM || error.code == EROFS;
}

Error destination_error(const MountOp& op, const SysError& error) {
    Error e = mount_error(op, error);
    if (cannot_create(error))
        e.message += "; the image does not let you create '" + op.destination +
                     "' (a directory image owned by another user?): create it in the image, or use a squashfs image";
    return e;
}

// A fresh tmpfs is nosuid,nodev already; ro and noexec are set on it once it is attached,
// found again inside the root.
SysResult<void> tmpfs_attributes(const MountOp& op, int root_fd) {
    if (op.kind != MountKind::tmpfs || (!op.read_only && !op.noexec)) return {};
    auto mounted = ns::open_in_root(root_fd, op.destination, O_PATH);
    if (!mounted) return SysResult<void>(Unexpected(mounted.error()));
    ns::MountAttributes a;
    a.read_only = op.read_only;
    a.noexec = op.noexec;
    return ns::set_attributes(mounted->get(), a, false, op.destination);
}

// The destination, made to exist as the op's create policy says (`none`: it must exist).
SysResult<UniqueFd> destination(const MountOp& op, const HostSource& source, int root_fd) {
    if (op.replace_symlink)
        if (auto r = ns::remove_symlink_in_root(root_fd, op.destination); !r) return Unexpected(r.error());
    if (op.create == plan::CreatePolicy::none) return ns::open_in_root(root_fd, op.destination, O_PATH);
    return ns::ensure_in_root(root_fd, op.destination, destination_kind(op, source));
}

// A `write` op, through the root (a plain file an ldconfig in the container can replace). A
// directory image owned by another user keeps its permissions (README): where the file cannot
// be replaced, the op to apply instead binds it read-only, as on a read-only root.
Result<std::optional<MountOp>> write_through(const MountOp& op, int root_fd, const Timeline& timeline) {
    auto r = ns::write_file_in_root(root_fd, op.destination, op.content);
    if (r) return std::optional<MountOp>{};
    if (!cannot_create(r.error())) return Unexpected(destination_error(op, r.error()));
    timeline.note("cannot write " + op.destination + " (" + r.error().describe() + "); bound read-only instead");
    MountOp bound = op;
    bound.kind = MountKind::file;
    bound.read_only = true;
    return std::optional<MountOp>(std::move(bound));
}

// A `symlink` op, through the root and only in its own file system. Where the root cannot take
// it (a directory image owned by another user), a file that is not a symlink is already there,
// or the directory is a bound host one (/dev), the container stays as it is, with a note.
Result<void> link_through(const MountOp& op, int root_fd, const Timeline& timeline) {
    auto made = ns::symlink_in_root(root_fd, op.destination, op.source);
    if (made && *made == ns::LinkResult::made) return {};
    if (made && *made == ns::LinkResult::file_in_the_way) {
        timeline.note("kept " + op.destination + ": the image has a file there that is not a symlink");
        return {};
    }
    if (made) {
        timeline.note("no symlink " + op.destination + ": its directory is a mount from the host");
        return {};
    }
    if (!cannot_create(made.error())) return Unexpected(destination_error(op, made.error()));
    timeline.note("cannot create symlink " + op.destination + " (" + made.error().describe() + ")");
    return {};
}

}  // namespace

Result<void> apply_mount(const MountOp& op, std::size_t index, HostSource& source, int root_fd,
                         const IdMap& ids, const Timeline& timeline) {
    if (op.kind == MountKind::bind && !source.tree.valid()) return {};  // skipped: missing source
    if (op.kind == MountKind::symlink) return link_through(op, root_fd, timeline);
    if (op.kind == MountKind::write) {
        auto bound = write_through(op, root_fd, timeline);
        if (!bound) return Unexpected(bound.error());
        if (!*bound) return {};
        return apply_mount(**bound, index, source, root_fd, ids, timeline);
    }
    auto target = destination(op, source, root_fd);
    if (!target && op.optional_destination && cannot_create(target.error())) {
        timeline.note("skipped " + op.destination + ": " + target.error().describe());
        return {};
    }
    if (!target) return Unexpected(destination_error(op, target.error()));
    if (op.kind == MountKind::sqsh) {
        auto r = ns::mount_squashfs(*source.server, std::move(source.fuse), fd_path(target->get()), ids.inside_uid,
                                    ids.inside_gid);
        if (!r) return Unexpected(mount_error(op, r.error()));
        return {};
    }
    if (auto r = apply_one(op, index, source, target->get()); !r) return Unexpected(mount_error(op, r.error()));
    if (auto r = tmpfs_attributes(op, root_fd); !r) return Unexpected(mount_error(op, r.error()));
    return {};
}

Result<void> apply_mounts(const plan::LaunchPlan& plan, std::vector<HostSource>& sources, int root_fd,
                          const Timeline& timeline) {
    for (std::size_t i = 0; i < plan.mounts.size(); ++i)
        if (auto r = apply_mount(plan.mounts[i], i, sources[i], root_fd, plan.ids, timeline); !r) return r;
    return {};
}

}  // namespace skiff::run
