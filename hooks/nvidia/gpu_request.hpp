// Which GPUs a launch asks for (gpu.md §1), decided before the driver is read. In order, the
// first that says anything wins:
//   1. the EDF's `devices` and --device: nvidia.com/gpu=0, =GPU-<uuid>, =all (explicit);
//   2. the Slurm step's GPUs (SLURM_STEP_GPUS, else SLURM_JOB_GPUS: device minors, as gres.conf
//      names /dev/nvidiaN), the job's default;
//   3. NVIDIA_VISIBLE_DEVICES from the EDF [env] or --env (explicit), else the image, else the
//      host: unset, "" or "void" asks for nothing, "none" for the driver without GPUs, "all" or
//      a list of indices and GPU UUIDs for those GPUs.
// Explicit requests that cannot be met are errors; the others are warnings (the musl rule of
// the network hooks).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "hooks/nvidia/driver_info.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::hooks::nvidia {

struct GpuRequest {
    enum class Kind { nothing, driver_only, all, listed, minors };
    Kind kind = Kind::nothing;
    std::vector<std::string> ids;  // listed: indices and UUIDs; minors: device minors
    std::string why;               // "NVIDIA_VISIBLE_DEVICES=all (the image)"
    bool explicit_request = false;
};

struct RequestInputs {
    const std::vector<edf::Sourced<std::string>>& devices;  // the EDF's and --device, all kinds
    const EnvMap& host;
    const std::map<std::string, edf::Sourced<std::string>>& edf_env;  // unexpanded; "" unsets
    const std::vector<std::pair<std::string, std::string>>& image_env;
};

Result<GpuRequest> gpu_request(const RequestInputs& inputs);

// The GPUs of `driver` the request names, in the request's order (all: NVML's); an error names
// an index, UUID or minor the node does not have.
Result<std::vector<Gpu>> requested_gpus(const GpuRequest& request, const DriverInfo& driver);

}  // namespace skiff::hooks::nvidia
