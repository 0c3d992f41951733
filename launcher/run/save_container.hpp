// `--save FILE` (plan::ImageSave). A launch that saves its container splits in two after
// step 1, whose servers live as long as the process that started them:
//  - the child builds the container as any launch does; before the pivot it sends the parent
//    two detached views (send_save_views): the root's overlay with no mount on it, and the
//    image's root, with the paths skiff put in the root (its writes and every mount point);
//  - the parent stays on the host, out of the container's namespaces, and saves from the views
//    with `skiff-pull save` (launcher/pull/save_command.cpp):
//    - `skiff run`: once the command exits with 0 (any status with --save-always), by an
//      execve in the same process, so that killing skiff kills the writer, whose unnamed file
//      then vanishes; it exits with the command's status;
//    - a Slurm step's holder (save_on_request.hpp): when the plugin asks, at the end of the
//      last task of rank 0's node.
// Only the kernel's overlayfs can be saved: fuse-overlayfs runs as the container's child and
// ends with the command, taking its view with it.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "namespaces/fd_passing.hpp"

namespace skiff::run {

// Returns in the child only, with the socket to send the views on. The parent never returns.
Result<UniqueFd> split_for_save(const plan::ImageSave& save);

// In the child, once every mount is in place and before the pivot: `root` is the overlay's
// mount point and `image` the image's.
Result<void> send_save_views(int socket, const plan::ImageSave& save, const char* root, const char* image);

// The views as sent: whether `views` holds them, and skiff-pull's arguments for them, with the
// tree and the image at descriptors `tree_fd` and `image_fd`.
bool are_save_views(const ns::Message& views);
std::vector<std::string> saver_argv(const plan::ImageSave& save, const ns::Message& views, int tree_fd, int image_fd,
                                    int exit_status);

}  // namespace skiff::run
