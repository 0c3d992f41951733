// The CUDA MPS hook (gpu.md §5), switched on as in the CSCS Container Engine:
// `[annotations] com.hooks.nvidia_cuda_mps.enabled = "true"`. The tasks of a container share
// its GPUs through one MPS control daemon, started before the command (or, under Slurm, by the
// node's container holder before the first task) and ended with the container. It needs the
// nvidia hook's GPUs and its nvidia-cuda-mps-control and -server; without them it is an error,
// since the annotation asks for MPS explicitly. gather() reads what the nvidia hook gave;
// contribute() is pure.
#pragma once

#include "hooks/hook.hpp"

namespace skiff::hooks {

inline constexpr const char* mps_pipe_dir = "/run/nvidia-mps";
inline constexpr const char* mps_log_dir = "/var/log/nvidia-mps";

Result<std::optional<HookFacts>> gather_mps(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag);
Result<Contribution> contribute_mps(const HookFacts& facts, const plan::PlanRequest& request);

}  // namespace skiff::hooks
