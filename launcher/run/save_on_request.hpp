// A Slurm step's holder with a save to do (srun --container-save, or the annotation
// com.skiff.container_save): the parent half of save_container.hpp's split stays on the host
// and listens on holder_save_socket in the step's directory (holder_state.hpp). The plugin
// connects from slurmstepd once the last task of the node that runs rank 0 has exited, before
// srun learns that the step ended (launcher/spank/save_request.cpp), and the parent then runs
// `skiff-pull save` and answers. It leaves with the holder, its child.
#pragma once

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

// Returns in the child (the holder) only, with the socket to send the views on.
Result<UniqueFd> split_for_step_save(const plan::ImageSave& save, int step_dir);

}  // namespace skiff::run
