// The staging area: a private tmpfs mounted over /tmp inside the new mount namespace (the host
// never sees it). It holds the image mount, the overlay's writable layer, the files skiff
// generates and the new root, and is dropped with the old root at the final pivot.
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "common/timeline.hpp"
#include "namespaces/squashfs/squashfs_server.hpp"

namespace skiff::run {

struct Staging {
    static constexpr const char* base = "/tmp";
    static constexpr const char* lower = "/tmp/lower";
    static constexpr const char* upper = "/tmp/rw/upper";
    static constexpr const char* work = "/tmp/rw/work";
    static constexpr const char* files = "/tmp/files";
    static constexpr const char* root = "/tmp/root";
};

// Host programs the root may need, found before the staging tmpfs covers the host's /tmp.
struct OverlayTools {
    std::string fuse_overlayfs;  // empty: not installed (or not needed: SKIFF_OVERLAY=kernel)
};
OverlayTools find_overlay_tools(const plan::LaunchPlan& plan);

// Mounts the staging tmpfs and its directories.
Result<void> prepare_staging();

// The image at Staging::lower (squashfs through its server, or `image_tree`, the detached
// clone of a directory image) and the overlay at Staging::root. A read-only plan still gets
// the overlay, so missing mount destinations can be created without touching the image; the
// root is made read-only last.
Result<void> mount_root(const plan::LaunchPlan& plan, std::optional<ns::SquashfsServer>& server,
                        UniqueFd image_tree, const OverlayTools& tools, const Timeline& timeline);

}  // namespace skiff::run
