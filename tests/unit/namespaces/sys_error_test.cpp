// Errors from system calls become one line with the operation, the path, strerror and, for the
// known traps, what to do.
#include "common/sys_error.hpp"

#include <gtest/gtest.h>

namespace skiff::ns {
namespace {

TEST(SysError, NamesOperationPathAndReason) {
    SysError e{ENOENT, "openat2", "/work"};
    EXPECT_EQ(e.to_error("a.toml:4: mount '/x' -> '/work'").message,
              "a.toml:4: mount '/x' -> '/work': openat2 '/work': No such file or directory");
}

TEST(SysError, UserNamespacesDisabledGetsTheSysctlHint) {
    SysError e{EPERM, "unshare", "user+mount namespace"};
    auto message = e.to_error("").message;
    EXPECT_NE(message.find("unshare 'user+mount namespace': Operation not permitted"), std::string::npos) << message;
    EXPECT_NE(message.find("kernel.unprivileged_userns_clone=1"), std::string::npos) << message;
    EXPECT_NE(message.find("user.max_user_namespaces"), std::string::npos) << message;
    EXPECT_NE(message.find("skiff doctor"), std::string::npos) << message;
}

TEST(SysError, UnusableDevFuseGetsTheModeHint) {
    SysError e{EACCES, "open", "/dev/fuse"};
    EXPECT_EQ(e.to_error("image '/s/app.sqsh'").message,
              "image '/s/app.sqsh': open '/dev/fuse': Permission denied; squashfs images need FUSE: ask the "
              "admin for mode 0666 on /dev/fuse (skiff doctor checks this node)");
    EXPECT_NE(SysError({ENOENT, "open", "/dev/fuse"}).hint().find("modprobe fuse"), std::string::npos);
}

TEST(SysError, LockedFlagsAndMountLimit) {
    EXPECT_NE(SysError({EPERM, "mount_setattr", "/data"}).hint().find("locked flags"), std::string::npos);
    EXPECT_NE(SysError({ENOSPC, "mount tmpfs", "/tmp"}).hint().find("fs.mount-max"), std::string::npos);
}

TEST(SysError, NoHintForOrdinaryErrors) { EXPECT_EQ(SysError({ENOENT, "stat", "/x"}).hint(), ""); }

}  // namespace
}  // namespace skiff::ns
