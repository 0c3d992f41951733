// [hooks.nvidia] of the site configuration: where the host's NVIDIA driver lives. Every key
// has the standard location as its default; a site changes them only for an unusual layout
// (and the tests, for a stand-in driver tree).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks::nvidia {

struct NvidiaSettings {
    std::string driver_proc = "/proc/driver/nvidia";  // version and gpus/*/information
    std::string devices_dir = "/dev";                  // nvidiaN, nvidiactl, nvidia-uvm, ...
    std::string ld_cache = "/etc/ld.so.cache";         // the host's, where the libraries are found
    std::vector<std::string> programs_dirs = {"/usr/bin", "/usr/sbin"};
    std::string firmware_dir = "/lib/firmware/nvidia";  // <version>/gsp*.bin
};

Result<NvidiaSettings> read_nvidia_settings(const site::SiteConfig* config);

}  // namespace skiff::hooks::nvidia
