// The staging area: a private tmpfs mounted inside the new mount namespace (the host never sees
// it). It holds the image mount, the overlay's writable layer, the files skiff generates and
// the new root, and is dropped with the old root at the final pivot.
//
// It is mounted over /root, where it hides nothing the user could see: hooks.d scripts run
// before the pivot, as the user, and expect the host's filesystem (enroot's hooks see the
// host's /tmp). /root exists on every host and only root may read it (0700 on Debian, 0550 on
// RHEL); the namespace's capabilities do not change that, since they grant nothing over files
// whose owner is not mapped (user_namespaces(7), "Capabilities"). The exception, a launch by
// the host's root, loses /root for its hooks. Not chosen: a directory of skiff's own (it would
// have to be created on the host) and a detached tmpfs (fsmount), which gives hooks no path.
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "common/timeline.hpp"
#include "namespaces/squashfs/squashfs_server.hpp"

namespace skiff::run {

struct Staging {
    static constexpr const char* base = "/root";
    static constexpr const char* lower = "/root/lower";
    static constexpr const char* rw = "/root/rw";
    static constexpr const char* upper = "/root/rw/upper";
    static constexpr const char* work = "/root/rw/work";
    static constexpr const char* files = "/root/files";
    static constexpr const char* root = "/root/rootfs";  // ENROOT_ROOTFS for hooks.d scripts
};

// Host programs the root may need, found before the namespaces are entered.
struct OverlayTools {
    std::string fuse_overlayfs;  // empty: not installed (or not needed: SKIFF_OVERLAY=kernel)
};
OverlayTools find_overlay_tools(const plan::LaunchPlan& plan);

// Mounts the staging tmpfs and its directories.
Result<void> prepare_staging();

// The image at Staging::lower (squashfs through its server, or `image_tree`, the detached
// clone of a directory image) and the overlay at Staging::root. A read-only plan still gets
// the overlay, so missing mount destinations can be created without touching the image; the
// root is made read-only last. With --overlay DIR, `overlay_tree` (the detached clone of DIR)
// covers Staging::rw, so that DIR/upper and DIR/work are the overlay's: both drivers then take
// the same short paths, whatever characters DIR has, and upper and work share a mount as the
// kernel requires.
Result<void> mount_root(const plan::LaunchPlan& plan, std::optional<ns::SquashfsServer>& server,
                        UniqueFd image_tree, UniqueFd overlay_tree, const OverlayTools& tools,
                        const Timeline& timeline);

}  // namespace skiff::run
