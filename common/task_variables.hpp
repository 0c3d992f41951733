// Task variables: what the launcher sets per task and per step. They always come from the
// task, never from the image or an EDF, because a frozen value breaks the job: a PMIX_RANK
// from an EDF makes every rank the same rank. Shared by the planner (the container's
// environment) and the SPANK plugin (a task joining a container keeps its own).
//   SLURM_*     Slurm's step and task ids, node lists, CPU binding
//   PMI_*, PMIX_*  the PMI/PMIx rank, namespace and server rendezvous of this task
//   SLINGSHOT_* set per step by Slurm's switch/hpe_slingshot plugin: the step's VNIs, service
//               ids and traffic classes, which libfabric's cxi provider needs to open the NIC;
//               another step's values (or none) make its endpoints fail
//   PALS_*      the ranks and ids of HPE's PALS launcher, which plays Slurm's part on some Crays
#pragma once

#include <array>
#include <string_view>

namespace skiff {

inline constexpr std::array<std::string_view, 5> task_variable_prefixes = {"SLURM_", "PMI_", "PMIX_", "SLINGSHOT_",
                                                                           "PALS_"};

// Set per task by Slurm's GRES plugins when the step has GPUs (the task has SLURM_STEP_GPUS):
// the task's own GPUs under --gpus-per-task or --gpu-bind. A task joining the node's shared
// container keeps its own (launcher/spank); elsewhere they are the user's, which an EDF or the
// nvidia hook may set.
inline constexpr std::array<std::string_view, 4> slurm_gpu_variables = {"CUDA_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL",
                                                                        "ROCR_VISIBLE_DEVICES", "ZE_AFFINITY_MASK"};

inline bool is_slurm_gpu_variable(std::string_view name) {
    for (auto gpu_name : slurm_gpu_variables)
        if (name == gpu_name) return true;
    return false;
}

inline bool is_task_variable(std::string_view name) {
    for (auto prefix : task_variable_prefixes)
        if (name.starts_with(prefix)) return true;
    return false;
}

}  // namespace skiff
