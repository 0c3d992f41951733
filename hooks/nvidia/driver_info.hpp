// What the host's NVIDIA kernel driver says about itself and its GPUs (gpu.md §2), read from
// /proc/driver/nvidia (or the site's stand-in): the driver's version, and each GPU's bus
// location, UUID and device minor (/dev/nvidiaN). The GPUs' order is NVML's: by bus location.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff::hooks::nvidia {

struct Gpu {
    std::string bus;    // "0000:3b:00.0"
    std::string uuid;   // "GPU-5c1e..."
    int minor = -1;     // N of /dev/nvidiaN
    std::string model;  // "NVIDIA H200"
};

struct DriverInfo {
    std::string version;    // "550.54.15"
    std::vector<Gpu> gpus;  // by bus location: index i is NVML's GPU i
};

// The version in the first line of /proc/driver/nvidia/version ("NVRM version: NVIDIA UNIX
// x86_64 Kernel Module  550.54.15  Thu ..."): the first word of digits and dots with a dot.
std::optional<std::string> parse_driver_version(std::string_view text);

// One GPU from its `information` file ("Key:<tabs>value" lines); nullopt without a valid minor.
std::optional<Gpu> parse_gpu_information(std::string_view text, const std::string& bus);

// nullopt when the directory has no version file (no NVIDIA driver on this node); an error for
// a version or information file that cannot be read or understood, naming the file.
Result<std::optional<DriverInfo>> read_driver_info(const std::string& proc_dir);

}  // namespace skiff::hooks::nvidia
