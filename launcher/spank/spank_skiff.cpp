// SPANK callbacks (plugin.hpp says what the plugin does). Each catches everything: an
// exception must never unwind into srun or slurmstepd.
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>

#include "common/image_file_place.hpp"
#include "common/task_variables.hpp"
#include "launcher/spank/plugin.hpp"

// Debian's spank.h declares its functions without extern "C".
extern "C" {
#include <slurm/spank.h>
#include <slurm/slurm_version.h>
// SPANK_PLUGIN(skiff, 1), spelled out: in C++ a const global needs `extern` to be exported.
extern const char plugin_name[] = "skiff";
extern const char plugin_type[] = "spank";
extern const unsigned int plugin_version = SLURM_VERSION_NUMBER;
extern const unsigned int spank_plugin_version = 1;
}

namespace {

using skiff::is_task_variable;
using skiff::spank::Environment;

std::string requested;  // --environment's value, in every context
std::string requested_save;  // --container-save's value, in srun
// srun makes --container-save's path absolute and passes it on in this variable.
constexpr const char* save_variable = "SKIFF_SPANK_SAVE";
// srun resolves a relative path against its own directory and passes it on in this variable.
constexpr const char* resolved_variable = "SKIFF_SPANK_ENVIRONMENT";
// srun pins a registry image to its digest and passes it on in this variable (tasks see it too).
constexpr const char* image_variable = "SKIFF_SPANK_IMAGE";

int on_environment(int, const char* value, int) {
    requested = value ? value : "";
    return 0;
}

spank_option environment_option{const_cast<char*>("environment"), const_cast<char*>("NAME|PATH"),
                                 const_cast<char*>("run each task in the skiff environment NAME or the EDF at PATH"), 1, 0,
                                 on_environment};

int on_container_save(int, const char* value, int) {
    requested_save = value ? value : "";
    return 0;
}

// pyxis's name for it: rank 0's container, saved as a squashfs image at the end of the step.
spank_option save_option{const_cast<char*>("container-save"), const_cast<char*>("PATH"),
                         const_cast<char*>("with --environment: save rank 0's container as the squashfs image PATH "
                                           "when the step ends with every task of its node at 0"),
                         1, 0, on_container_save};

// The plugstack.conf arguments, or nullopt after one slurm_error line.
std::optional<skiff::spank::Settings> settings_from(int argc, char** argv) {
    auto settings = skiff::spank::parse_plugin_arguments({argv, argv + argc});
    if (settings) return std::move(*settings);
    slurm_error("skiff: %s", settings.error().message.c_str());
    return std::nullopt;
}

Environment job_environment(spank_t sp) {
    char** env = nullptr;
    Environment out;
    if (spank_get_item(sp, S_JOB_ENV, &env) == ESPANK_SUCCESS)
        for (; env && *env; ++env) out.emplace_back(*env);
    return out;
}

Environment own_environment() {
    Environment out;
    for (char** env = environ; env && *env; ++env) out.emplace_back(*env);
    return out;
}

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// The task's environment becomes the container's, but the task keeps its own task variables
// (common/task_variables.hpp; the container's came from the first task): they are per task,
// and so are the GPU variables Slurm set where it gave the step GPUs.
void apply_environment(spank_t sp, const Environment& container) {
    std::set<std::string> in_container, in_task;
    for (const auto& entry : container) in_container.insert(name_of(entry));
    for (const auto& entry : job_environment(sp)) in_task.insert(name_of(entry));
    bool slurm_gpus = in_task.contains("SLURM_STEP_GPUS");
    auto per_task = [&](const std::string& name) {
        return is_task_variable(name) || (slurm_gpus && skiff::is_slurm_gpu_variable(name));
    };
    for (const auto& name : in_task)
        if (!per_task(name) && !in_container.contains(name)) spank_unsetenv(sp, name.c_str());
    for (const auto& entry : container) {
        std::string name = name_of(entry);
        if (!per_task(name) || !in_task.contains(name))
            spank_setenv(sp, name.c_str(), entry.substr(name.size() + 1).c_str(), 1);
    }
}

// One slurm_error for a helper's error lines; -1.
int refuse(std::string problem) {
    while (!problem.empty() && problem.back() == '\n') problem.pop_back();
    slurm_error("%s", problem.c_str());
    return -1;
}

// A relative path, relative to srun's directory: the nodes' working directories differ.
std::string absolute(const std::string& path) {
    char cwd[PATH_MAX];
    if (path.empty() || path.starts_with('/') || !::getcwd(cwd, sizeof cwd)) return path;
    return std::string(cwd) + "/" + path;
}

// `in_srun`: srun (not salloc), which makes the step's SSH keys when the EDF wants SSH.
int check_in_srun(const skiff::spank::Settings& settings, bool in_srun) {
    std::string value = requested.find('/') != std::string::npos ? absolute(requested) : requested;
    std::string save = absolute(requested_save);
    // Before the step starts, what the node's holder would refuse (the nodes share the path).
    if (std::string why = save.empty() ? "" : skiff::image_file_place_problem(save); !why.empty())
        return refuse("skiff: --container-save " + save + ": " + why);
    // Once here, before the step starts: a registry tag is pinned to its digest, which every
    // node then runs, whatever the tag does during the job.
    skiff::spank::SrunCheck check;
    std::string problem = skiff::spank::check_environment(settings, value, own_environment(), check);
    if (!problem.empty()) return refuse(problem);
    if (in_srun && !skiff::spank::hand_out_job_ssh_keys(check.ssh_on, problem)) return refuse("skiff: " + problem);
    // srun passes its environment to the tasks.
    ::setenv(resolved_variable, value.c_str(), 1);
    if (check.pinned_image.empty()) ::unsetenv(image_variable);  // a local image; none left from salloc's
    else ::setenv(image_variable, check.pinned_image.c_str(), 1);
    if (save.empty()) ::unsetenv(save_variable);
    else ::setenv(save_variable, save.c_str(), 1);
    return 0;
}

// salloc: the allocation's shell stays on the host and Slurm hands the option to every srun
// in it. sbatch: refused, so that a batch script never half-runs in a container (README).
int allow_in_allocator(const skiff::spank::Settings& settings) {
    char name[32] = {};
    FILE* comm = std::fopen("/proc/self/comm", "r");
    bool salloc = comm && std::fgets(name, sizeof name, comm) && std::string_view(name).starts_with("salloc");
    if (comm) std::fclose(comm);
    if (!salloc) {
        slurm_error("skiff: --environment is for srun and salloc: a batch script runs on the host; "
                    "write srun --environment=%s on its srun lines", requested.c_str());
        return -1;
    }
    return check_in_srun(settings, false);
}

// "JOB.STEP"
std::string step_key(spank_t sp) {
    uint32_t job = 0, step = 0;
    spank_get_item(sp, S_JOB_ID, &job);
    spank_get_item(sp, S_JOB_STEPID, &step);
    return std::to_string(job) + "." + std::to_string(step);
}

// A variable of the task's environment; "" if unset or too long.
std::string task_variable(spank_t sp, const char* name) {
    char value[PATH_MAX] = {};
    return spank_getenv(sp, name, value, sizeof value) == ESPANK_SUCCESS ? value : "";
}

int enter_container(spank_t sp, const skiff::spank::Settings& settings) {
    char value[PATH_MAX] = {};
    if (spank_getenv(sp, resolved_variable, value, sizeof value) != ESPANK_SUCCESS)
        std::strncpy(value, requested.c_str(), sizeof value - 1);
    int task_id = 0;
    uint32_t local_tasks = 1;
    spank_get_item(sp, S_TASK_ID, &task_id);
    spank_get_item(sp, S_JOB_LOCAL_TASK_COUNT, &local_tasks);
    skiff::spank::LocalTask task{static_cast<unsigned>(task_id), local_tasks};
    skiff::spank::ContainerRequest request{value, task_variable(sp, image_variable), task_variable(sp, save_variable)};
    skiff::run::HolderState container;
    std::string error;
    bool ok = skiff::spank::find_or_start_container(settings, request, job_environment(sp), step_key(sp), task,
                                                    ::getppid(), container, error) &&
              skiff::spank::join_container(container, error);
    if (!ok) {
        slurm_error("skiff: %s", error.c_str());
        return -1;
    }
    apply_environment(sp, container.env);
    return 0;
}

}  // namespace

extern "C" int slurm_spank_init(spank_t sp, int, char**) {
    try {
        spank_context_t context = spank_context();
        if (context != S_CTX_LOCAL && context != S_CTX_REMOTE && context != S_CTX_ALLOCATOR) return 0;
        bool registered = spank_option_register(sp, &environment_option) == ESPANK_SUCCESS &&
                          spank_option_register(sp, &save_option) == ESPANK_SUCCESS;
        return registered ? 0 : -1;
    } catch (...) {
        slurm_error("skiff: internal error while registering --environment and --container-save");
        return -1;
    }
}

extern "C" int slurm_spank_init_post_opt(spank_t, int argc, char** argv) {
    try {
        spank_context_t context = spank_context();
        if (context != S_CTX_ALLOCATOR && context != S_CTX_LOCAL) return 0;
        if (requested.empty() && !requested_save.empty())
            return refuse("skiff: --container-save saves the container of --environment: add --environment=NAME");
        if (requested.empty()) return 0;
        auto settings = settings_from(argc, argv);
        if (!settings) return -1;
        return context == S_CTX_ALLOCATOR ? allow_in_allocator(*settings) : check_in_srun(*settings, true);
    } catch (...) {
        slurm_error("skiff: internal error while checking --environment");
        return -1;
    }
}

extern "C" int slurm_spank_task_init(spank_t sp, int argc, char** argv) {
    try {
        if (requested.empty() || spank_context() != S_CTX_REMOTE) return 0;
        auto settings = settings_from(argc, argv);
        return settings ? enter_container(sp, *settings) : -1;
    } catch (...) {
        slurm_error("skiff: internal error while entering the container");
        return -1;
    }
}

namespace {

// The tasks of this node that have exited (slurmstepd runs one step and calls task_exit once
// per task, in its own process).
struct NodeTasks {
    uint32_t exited = 0;
    bool runs_rank_zero = false;
    bool all_succeeded = true;
};
NodeTasks node_tasks;

// Once the node's last task has exited, on rank 0's node: the holder saves the container if
// it has a save to do (--container-save, or the annotation), before srun hears the step ended.
int save_after_last_task(spank_t sp) {
    uint32_t global_id = 1, local_count = 1, uid = 0;
    int status = 0;
    spank_get_item(sp, S_TASK_GLOBAL_ID, &global_id);
    spank_get_item(sp, S_TASK_EXIT_STATUS, &status);
    spank_get_item(sp, S_JOB_LOCAL_TASK_COUNT, &local_count);
    node_tasks.exited++;
    node_tasks.runs_rank_zero = node_tasks.runs_rank_zero || global_id == 0;
    node_tasks.all_succeeded = node_tasks.all_succeeded && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (node_tasks.exited != local_count || !node_tasks.runs_rank_zero) return 0;
    if (spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS) return refuse("skiff: --container-save: no job uid");
    std::string message;
    auto outcome = skiff::spank::request_step_save(uid, step_key(sp), node_tasks.all_succeeded, message);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (!message.starts_with("skiff")) message = "skiff: " + message;
    switch (outcome) {
        case skiff::spank::SaveOutcome::none_asked: return 0;
        case skiff::spank::SaveOutcome::saved: slurm_info("%s", message.c_str()); return 0;
        case skiff::spank::SaveOutcome::declined: slurm_error("%s", message.c_str()); return 0;  // the step failed already
        case skiff::spank::SaveOutcome::failed: break;
    }
    return refuse(message);
}

}  // namespace

extern "C" int slurm_spank_task_exit(spank_t sp, int, char**) {
    try {
        if (requested.empty() || spank_context() != S_CTX_REMOTE) return 0;
        return save_after_last_task(sp);
    } catch (...) {
        slurm_error("skiff: internal error while saving the container");
        return -1;
    }
}
