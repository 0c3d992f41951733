// What the NVIDIA hook's gather() found, for its contribute(). Internal to hooks/nvidia.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hooks/contribution.hpp"
#include "hooks/nvidia/cuda_compat.hpp"
#include "hooks/nvidia/driver_info.hpp"
#include "hooks/nvidia/gpu_request.hpp"

namespace skiff::hooks::nvidia {

struct NvidiaFacts {
    bool served_by_cdi = false;                 // a CDI spec of kind nvidia.com/gpu took the request
    GpuRequest request;
    std::string driver_version;                 // "" when the node has no driver
    std::vector<Gpu> selected;                  // the GPUs the container gets
    std::vector<Gpu> masked;                    // the node's other GPUs, left out
    bool renumber = false;                      // CUDA_VISIBLE_DEVICES=0..n-1 inside
    std::vector<InjectedLibrary> libraries;
    std::optional<CudaCompat> compat;           // the image's newer libcuda, which wins
    std::vector<std::string> programs;          // host paths, bound at /usr/bin/<name>
    std::vector<std::string> devices;           // host paths of control and capability nodes
    std::string devices_dir;                    // where the host's nodes are ("/dev")
    std::optional<std::string> firmware;        // the driver's firmware directory, if any
    std::vector<std::string> notes;
    std::vector<plan::HostInput> inputs;        // every host path read (plan::Contribution::host_inputs)
};

}  // namespace skiff::hooks::nvidia
