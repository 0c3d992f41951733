// `--save FILE` (plan::ImageSave). A launch that saves its container splits in two after
// step 1, whose servers live as long as the process that started them:
//  - the child builds the container and runs the command as any launch does; before the pivot
//    it sends the parent two detached views (send_save_views): the root's overlay with no
//    mount on it, and the image's root, with every mount point under the root;
//  - the parent stays on the host, out of the container's namespaces, waits for the command,
//    and then, if it exited with 0 (any status with --save-always), becomes `skiff-pull save`
//    (launcher/pull/save_command.cpp): an execve in the same process, so that killing skiff
//    kills the writer, whose unnamed file then vanishes. It exits with the command's status.
// Only the kernel's overlayfs can be saved: fuse-overlayfs runs as the container's child and
// ends with the command, taking its view with it.
#pragma once

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

// Returns in the child only, with the socket to send the views on. The parent never returns.
Result<UniqueFd> split_for_save(const plan::ImageSave& save);

// In the child, once every mount is in place and before the pivot: `root` is the overlay's
// mount point and `image` the image's.
Result<void> send_save_views(int socket, const char* root, const char* image);

}  // namespace skiff::run
