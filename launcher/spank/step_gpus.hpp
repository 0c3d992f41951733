// The step's GPUs on this node. Under --gpus-per-task (which implies --gpu-bind=per_task:N)
// Slurm gives each task only its own GPUs, in SLURM_STEP_GPUS as in CUDA_VISIBLE_DEVICES, and no
// variable holds the step's list (Slurm 22.05: slurmstepd's exec_task sets the GRES variables
// per task, just before SPANK's task_init). The node's tasks share one container, which needs
// them all: each task leaves its list in the step's directory before it looks for the
// container, and the task that starts it waits for every local task's list.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace skiff::spank {

// "0,2" and "1" give "0,1,2": each GPU once, in numeric order.
std::string union_of_gpu_lists(const std::vector<std::string>& lists);

// Writes DIR/gpus.TASK, TASK being the task's id on this node (write, then rename).
bool leave_task_gpus(const std::string& dir, unsigned task, const std::string& gpus);

// Waits up to `patience` for DIR/gpus.0 ... gpus.(TASKS-1), reads and removes them, and returns
// the union of the lists that came.
std::string collect_step_gpus(const std::string& dir, unsigned tasks, std::chrono::milliseconds patience);

// Removes DIR/gpus.TASK if it is still there (a task that joined after a collector gave up).
void drop_task_gpus(const std::string& dir, unsigned task);

}  // namespace skiff::spank
