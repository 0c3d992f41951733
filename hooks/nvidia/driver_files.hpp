// Which driver files each NVIDIA_DRIVER_CAPABILITIES capability needs (gpu.md §2, the list of
// libnvidia-container): library soname prefixes, programs and device nodes besides the GPUs'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff::hooks::nvidia {

struct DriverFiles {
    std::vector<std::string_view> library_prefixes;  // "libcuda": matches libcuda.so.1
    std::vector<std::string_view> programs;          // "nvidia-smi"
    std::vector<std::string_view> devices;           // "nvidia-uvm" (under the devices directory)
};

// The capabilities of `text` (NVIDIA_DRIVER_CAPABILITIES; "" means compute,utility, "all" every
// one skiff knows), as one union; an unknown capability is an error naming it.
Result<DriverFiles> files_for_capabilities(const std::string& text);

// Whether `soname` is one of `files`' libraries: a prefix followed by ".so".
bool is_driver_library(const DriverFiles& files, std::string_view soname);

// Where a driver program found at `host_path` appears in the container: /usr/bin/<name>, on
// every image's PATH.
std::string program_destination(std::string_view host_path);

}  // namespace skiff::hooks::nvidia
