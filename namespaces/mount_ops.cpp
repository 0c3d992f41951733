#include "namespaces/mount_ops.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace skiff::ns {

SysResult<void> make_root_rslave() {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
        return sys_fail("mount --make-rslave", "/");
    return {};
}

SysResult<UniqueFd> clone_tree(const std::string& host_path, bool recursive) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0U);
    int fd = ::open_tree(AT_FDCWD, host_path.c_str(), flags);
    if (fd < 0) return sys_fail("open_tree", host_path);
    return UniqueFd(fd);
}

SysResult<void> set_attributes(int mount_fd, const MountAttributes& attributes, bool recursive,
                               const std::string& what) {
    mount_attr attr{};
    if (attributes.read_only) attr.attr_set |= MOUNT_ATTR_RDONLY;
    if (attributes.nosuid) attr.attr_set |= MOUNT_ATTR_NOSUID;
    if (attributes.nodev) attr.attr_set |= MOUNT_ATTR_NODEV;
    if (attributes.noexec) attr.attr_set |= MOUNT_ATTR_NOEXEC;
    if (attributes.propagation == Propagation::private_) attr.propagation = MS_PRIVATE;
    if (attributes.propagation == Propagation::slave) attr.propagation = MS_SLAVE;
    if (attr.attr_set == 0 && attr.propagation == 0) return {};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0U);
    if (::mount_setattr(mount_fd, "", flags, &attr, sizeof attr) != 0)
        return sys_fail("mount_setattr", what);
    return {};
}

SysResult<void> attach(int mount_fd, int target_fd, const std::string& target_path) {
    unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
    if (::move_mount(mount_fd, "", target_fd, "", flags) != 0)
        return sys_fail("move_mount", target_path);
    return {};
}

SysResult<void> mount_tmpfs(const std::string& path, const std::string& options) {
    if (::mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
        return sys_fail("mount tmpfs", path);
    return {};
}

SysResult<void> mount_overlay(const std::string& lower, const std::string& upper,
                              const std::string& work, const std::string& target) {
    // userxattr: an unprivileged overlay stores its whiteouts as user.overlay.* xattrs
    // (trusted.* needs CAP_SYS_ADMIN in the initial namespace); Linux >= 5.11.
    std::string options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work +
                          ",userxattr";
    if (::mount("overlay", target.c_str(), "overlay", MS_NODEV, options.c_str()) != 0)
        return sys_fail("mount overlay", target);
    return {};
}

SysResult<void> pivot_into_cwd() {
    // pivot_root(".", ".") stacks the old root on top of the new one, so no put-old directory
    // is needed inside the image; detaching "." then drops the old root (pivot_root(2) NOTES).
    if (::syscall(SYS_pivot_root, ".", ".") != 0) return sys_fail("pivot_root", ".");
    if (::umount2(".", MNT_DETACH) != 0) return sys_fail("umount2", "old root");
    if (::chdir("/") != 0) return sys_fail("chdir", "/");
    return {};
}

}  // namespace skiff::ns

namespace skiff::ns {

SysResult<void> make_read_only(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open", path);
    MountAttributes attributes;
    attributes.read_only = true;
    return set_attributes(fd.get(), attributes, false, path);
}

}  // namespace skiff::ns

namespace skiff::ns {

SysResult<void> mount_fresh_devpts() {
    if (::mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") != 0)
        return sys_fail("mount devpts", "/dev/pts");
    if (::mount("/dev/pts/ptmx", "/dev/ptmx", nullptr, MS_BIND, nullptr) != 0)
        return sys_fail("mount --bind /dev/pts/ptmx", "/dev/ptmx");
    return {};
}

}  // namespace skiff::ns
