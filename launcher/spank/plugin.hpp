// skiff's SPANK plugin (plugstack.conf: `required /path/spank_skiff.so skiff=/path/to/skiff`).
// It adds `--environment=NAME|PATH` to srun. srun checks the EDF before the step starts, and
// pins a registry image to the digest its tag names then (SKIFF_SPANK_IMAGE); on each node the first task starts a container holder (`skiff __container-holder`, the same
// code as `skiff run`) and every task joins its namespaces before slurmstepd execs it, so the
// tasks stay ordinary Slurm tasks. The plugin drives the skiff binary instead of linking the
// engine: slurmstepd then loads no FUSE or namespace code, and Debian's static libraries of
// squashfuse and libfuse cannot go into a shared object anyway. It links skiff_sys (spawning,
// the capability drop, the holder's state format) and exports only the symbols Slurm looks up
// (spank_skiff.lds).
//
// Nothing here throws or crashes into Slurm: every failure is one slurm_error line and -1.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "launcher/run/holder_state.hpp"
#include "launcher/spank/plugin_args.hpp"

namespace skiff::spank {

// The environment to run a program with, as KEY=VALUE strings.
using Environment = std::vector<std::string>;

// What srun learns from `skiff edf check --srun VALUE`, before the step starts.
struct SrunCheck {
    bool ssh_on = false;       // the EDF switches the SSH hook on
    std::string pinned_image;  // its registry image's digest-pinned reference; "" for a local image
};

// Runs `skiff edf check --srun VALUE` with `env`; empty on success, else its error lines (an
// EDF that is wrong, a registry tag that cannot be resolved).
std::string check_environment(const Settings& settings, const std::string& value, const Environment& env, SrunCheck& out);

// In srun (job_ssh_keys.cpp): with `ssh_on`, a new user and host key pair for the step in srun's
// environment (common/job_ssh_keys.hpp), which every task gets; without, none (an inherited
// set is removed). False, with `error`, when ssh-keygen fails.
bool hand_out_job_ssh_keys(bool ssh_on, std::string& error);

// This task among the step's tasks on this node: its id there, and how many there are.
struct LocalTask {
    unsigned id = 0;
    unsigned count = 1;
};

// What srun asked for the step's containers.
struct ContainerRequest {
    std::string environment;   // --environment, a relative path made absolute by srun
    std::string pinned_image;  // srun's digest-pinned registry image ("" for a local image)
    std::string save;          // --container-save, absolute ("" for none)
};

// The container of this step on this node: the holder's state (the holder started if needed,
// with the GPUs of all the node's tasks: step_gpus.hpp, with `--image PINNED` unless there is
// no pinned image, and with `--save FILE` for --container-save).
// Errors: one line (the holder's own messages went to the task's stderr already).
bool find_or_start_container(const Settings& settings, const ContainerRequest& request, const Environment& job_env,
                             const std::string& step_key, LocalTask task, pid_t stepd, run::HolderState& out,
                             std::string& error);

// The directory of a step's containers on this node, for the user `uid`.
std::string step_directory(uid_t uid, const std::string& step_key);

// In slurmstepd, once every task of the node that runs rank 0 has exited: asks the step's
// holder to save its container if it has a save to do (save_request.cpp). `succeeded`: every
// task of the node exited with 0. `message` carries what the save printed, or why it did not
// save.
enum class SaveOutcome { none_asked, saved, declined, failed };  // declined: a task failed
SaveOutcome request_step_save(uid_t uid, const std::string& step_key, bool succeeded, std::string& message);

// In the task process: joins the holder's user and mount namespaces, enters the workdir and
// drops every privilege.
bool join_container(const run::HolderState& container, std::string& error);

}  // namespace skiff::spank
