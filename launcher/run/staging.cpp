#include "launcher/run/staging.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>

#include "namespaces/fuse_overlay.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/path_in_root.hpp"

namespace skiff::run {
namespace {

Result<void> make_directory(const char* path) {
    if (::mkdir(path, 0700) != 0 && errno != EEXIST)
        return Unexpected(SysError{errno, "mkdir", path}.to_error("staging"));
    return {};
}

Result<void> mount_image(const plan::LaunchPlan& plan, std::optional<ns::SquashfsServer>& server,
                         UniqueFd image_tree, const std::string& context) {
    if (server) {
        auto fuse = ns::open_fuse_device();
        if (!fuse) return Unexpected(fuse.error().to_error(context));
        auto r = ns::mount_squashfs(*server, std::move(*fuse), Staging::lower, plan.ids.inside_uid, plan.ids.inside_gid);
        if (!r) return Unexpected(r.error().to_error(context));
        return {};
    }
    auto target = ns::open_root(Staging::lower);
    if (!target) return Unexpected(target.error().to_error(context));
    if (auto r = ns::attach(image_tree.get(), target->get(), Staging::lower); !r)
        return Unexpected(r.error().to_error(context));
    return {};
}

// An overlay's root directory shows the upper layer's mode, and prepare_staging made that
// directory 0700: without this, every container's `/` would be 0700 whatever the image says.
Result<void> give_upper_the_image_root_mode(const std::string& context) {
    struct stat image_root {};
    if (::stat(Staging::lower, &image_root) != 0)
        return Unexpected(SysError{errno, "stat", Staging::lower}.to_error(context));
    if (::chmod(Staging::upper, image_root.st_mode & 07777) != 0)
        return Unexpected(SysError{errno, "chmod", Staging::upper}.to_error(context));
    return {};
}

Result<void> fuse_overlay(const OverlayTools& tools, const std::string& context) {
    if (tools.fuse_overlayfs.empty())
        return fail(context + ": fuse-overlayfs is needed but not installed; install the fuse-overlayfs package");
    auto r = ns::mount_fuse_overlay(tools.fuse_overlayfs, Staging::lower, Staging::upper, Staging::work, Staging::root);
    if (!r) return Unexpected(r.error().to_error(context));
    return {};
}

// The overlay at Staging::root, by the plan's driver. `context` names the writable layer: with
// --overlay DIR, a refusal says what to do about DIR.
Result<void> mount_overlay_root(const plan::LaunchPlan& plan, const OverlayTools& tools, const Timeline& timeline,
                           const std::string& context) {
    if (plan.overlay == plan::OverlayDriver::fuse) return fuse_overlay(tools, context);
    auto kernel = ns::mount_overlay(Staging::lower, Staging::upper, Staging::work, Staging::root);
    if (kernel) return {};
    if (plan.overlay == plan::OverlayDriver::kernel) {
        if (!plan.overlay_dir) return Unexpected(kernel.error().to_error(context));
        return fail(kernel.error().to_error(context).message + "; use a DIR on a local file system, or SKIFF_OVERLAY=auto");
    }
    if (plan.save)  // save_container.hpp: a fuse-overlayfs root ends with the command
        return Unexpected(kernel.error().to_error(context + ": --save needs the kernel's overlayfs (Linux 5.11 or later)"));
    timeline.note("kernel overlayfs refused (" + kernel.error().describe() + "); using fuse-overlayfs");
    auto fuse = fuse_overlay(tools, plan.overlay_dir ? "fuse-overlayfs" : context);
    if (fuse || !plan.overlay_dir) return fuse;
    return fail(context + ": kernel overlayfs refused it as a writable layer (" + kernel.error().describe() +
                "), and so did " + fuse.error().message + "; use a DIR on a local file system such as ext4 or xfs");
}

// DIR over Staging::rw. DIR is reached through the clone opened before the staging tmpfs
// covered /root, like every host path of the plan.
Result<void> attach_overlay_dir(const plan::OverlayDir& overlay, UniqueFd tree) {
    const std::string context = "--overlay '" + overlay.dir + "'";
    auto target = ns::open_root(Staging::rw);
    if (!target) return Unexpected(target.error().to_error(context));
    if (auto r = ns::attach(tree.get(), target->get(), Staging::rw); !r) return Unexpected(r.error().to_error(context));
    return {};
}

}  // namespace

OverlayTools find_overlay_tools(const plan::LaunchPlan& plan) {
    OverlayTools tools;
    if (plan.overlay == plan::OverlayDriver::kernel) return tools;
    const char* path = std::getenv("PATH");
    if (auto found = ns::find_fuse_overlayfs(path ? path : "/usr/bin:/bin")) tools.fuse_overlayfs = *found;
    return tools;
}

Result<void> prepare_staging() {
    if (auto r = ns::mount_tmpfs(Staging::base, "mode=0700"); !r) return Unexpected(r.error().to_error("staging"));
    for (const char* dir : {Staging::lower, Staging::rw, Staging::upper, Staging::work, Staging::files, Staging::root})
        if (auto r = make_directory(dir); !r) return r;
    return {};
}

Result<void> mount_root(const plan::LaunchPlan& plan, std::optional<ns::SquashfsServer>& server,
                        UniqueFd image_tree, UniqueFd overlay_tree, const OverlayTools& tools,
                        const Timeline& timeline) {
    const std::string context = "image '" + plan.image.path + "'";
    if (auto r = mount_image(plan, server, std::move(image_tree), context); !r) return r;
    std::string layer = context;
    if (plan.overlay_dir) {
        layer = "--overlay '" + plan.overlay_dir->dir + "'";
        if (auto r = attach_overlay_dir(*plan.overlay_dir, std::move(overlay_tree)); !r) return r;
    }
    // A kept upper layer keeps the mode its containers gave the root; a new one takes the image's.
    if (!plan.overlay_dir || plan.overlay_dir->fresh)
        if (auto r = give_upper_the_image_root_mode(context); !r) return r;
    return mount_overlay_root(plan, tools, timeline, layer);
}

}  // namespace skiff::run
