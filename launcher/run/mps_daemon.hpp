// The MPS hook's part of a launch (gpu.md §5, hooks/nvidia_cuda_mps): after the pivot, the
// plan's control daemon in the foreground (-f), supervised so that it and the MPS servers it
// spawns end with the container's main process.
#pragma once

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "common/timeline.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

// Starts the daemon with the command's environment `env` and the daemon's own GPUs, and waits
// until it is up (its pid file in the pipe directory); an error quotes the end of its log.
Result<void> start_mps(const plan::MpsDaemon& mps, const EnvMap& env, const Timeline& timeline);

}  // namespace skiff::run
