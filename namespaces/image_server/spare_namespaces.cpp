#include "namespaces/image_server/spare_namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <string>

namespace skiff::ns {

SysResult<SpareNamespaces> open_namespaces(pid_t pid) {
    const std::string base = "/proc/" + std::to_string(pid) + "/ns/";
    SpareNamespaces spare;
    spare.user.reset(::open((base + "user").c_str(), O_RDONLY | O_CLOEXEC));
    if (!spare.user.valid()) return sys_fail("open", base + "user");
    spare.mnt.reset(::open((base + "mnt").c_str(), O_RDONLY | O_CLOEXEC));
    if (!spare.mnt.valid()) return sys_fail("open", base + "mnt");
    return spare;
}

SysResult<void> enter_namespaces(const SpareNamespaces& spare) {
    // The user namespace first: setns(CLONE_NEWUSER) into a namespace our uid owns gives every
    // capability there, and setns(CLONE_NEWNS) needs CAP_SYS_ADMIN in the user namespace that
    // owns the mount namespace and CAP_SYS_CHROOT in our own (mntns_install()).
    if (::setns(spare.user.get(), CLONE_NEWUSER) != 0) return sys_fail("setns", "user namespace");
    // The kernel then sets root and cwd to the namespace's root, following the mounts stacked
    // on it (LOOKUP_DOWN): the pivoted root, since the spare's old root was detached.
    if (::setns(spare.mnt.get(), CLONE_NEWNS) != 0) return sys_fail("setns", "mount namespace");
    return {};
}

}  // namespace skiff::ns
