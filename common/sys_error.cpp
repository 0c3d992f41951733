#include "common/sys_error.hpp"

#include <cstring>

namespace skiff {

std::string SysError::describe() const {
    std::string text = op;
    if (!path.empty()) text += " '" + path + "'";
    return code == 0 ? text : text + ": " + std::strerror(code);
}

std::string SysError::hint() const {
    if (op == "unshare" && (code == EPERM || code == ENOSPC || code == EINVAL))
        return "user namespaces seem disabled; ask the admin to set "
               "kernel.unprivileged_userns_clone=1 and user.max_user_namespaces>0 (skiff doctor checks this node)";
    if (path == "/dev/fuse" && (code == EACCES || code == EPERM))
        return "squashfs images need FUSE: ask the admin for mode 0666 on /dev/fuse (skiff doctor checks this node)";
    if (path == "/dev/fuse" && code == ENOENT)
        return "squashfs images need FUSE: load the fuse module (modprobe fuse; skiff doctor checks this node)";
    if (op.starts_with("write uid_map") && code == EPERM)
        return "the kernel refused the single-ID map; is skiff running setuid, in a restricted container, or under "
               "AppArmor's restrict_unprivileged_userns? (skiff doctor checks this node)";
    if (op.starts_with("mount") && code == ENOSPC)
        return "too many mounts; raise fs.mount-max or mount fewer paths";
    if (op.starts_with("mount_setattr") && code == EPERM)
        return "the host mount has locked flags that a user namespace cannot clear";
    return {};
}

Error SysError::to_error(const std::string& context) const {
    std::string line = context.empty() ? describe() : context + ": " + describe();
    if (auto h = hint(); !h.empty()) line += "; " + h;
    return Error{line};
}

}  // namespace skiff
