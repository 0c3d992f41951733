#include "hooks/nvidia/driver_files.hpp"

#include <algorithm>
#include <array>

#include "common/split.hpp"
#include "libfabric-bind/path_name.hpp"

namespace skiff::hooks::nvidia {
namespace {

struct Capability {
    std::string_view name;
    DriverFiles files;
};

const std::array<Capability, 5>& capabilities() {
    static const std::array<Capability, 5> table{{
        {"utility", {{"libnvidia-ml", "libnvidia-cfg", "libnvidia-nscq"},
                     {"nvidia-smi", "nvidia-debugdump", "nvidia-persistenced"}, {}}},
        {"compute", {{"libcuda", "libcudadebugger", "libnvidia-opencl", "libnvidia-ptxjitcompiler",
                      "libnvidia-fatbinaryloader", "libnvidia-allocator", "libnvidia-compiler", "libnvidia-nvvm",
                      "libnvidia-gpucomp", "libnvidia-pkcs11", "libnvidia-pkcs11-openssl3", "libnvidia-tileiras"},
                     {"nvidia-cuda-mps-control", "nvidia-cuda-mps-server"}, {"nvidia-uvm", "nvidia-uvm-tools"}}},
        {"video", {{"libvdpau_nvidia", "libnvidia-encode", "libnvidia-opticalflow", "libnvcuvid"}, {}, {}}},
        {"graphics", {{"libnvidia-eglcore", "libnvidia-glcore", "libnvidia-tls", "libnvidia-glsi", "libnvidia-fbc",
                       "libnvidia-ifr", "libnvidia-rtcore", "libnvoptix", "libGLX_nvidia", "libEGL_nvidia",
                       "libGLESv2_nvidia", "libGLESv1_CM_nvidia", "libnvidia-glvkspirv", "libnvidia-cbl"}, {}, {}}},
        {"display", {{}, {}, {"nvidia-modeset"}}},
    }};
    return table;
}

void add_unique(std::vector<std::string_view>& to, const std::vector<std::string_view>& from) {
    for (auto item : from)
        if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

std::string known_names() {
    std::string names;
    for (const auto& c : capabilities()) names += (names.empty() ? "" : ", ") + std::string(c.name);
    return names + ", all";
}

}  // namespace

Result<DriverFiles> files_for_capabilities(const std::string& text) {
    DriverFiles files;
    std::string wanted = text.empty() ? "compute,utility" : text;
    for (auto word : split(wanted, ',')) {
        if (word.empty()) continue;
        bool known = false;
        for (const auto& c : capabilities())
            if (word == "all" || word == c.name) {
                add_unique(files.library_prefixes, c.files.library_prefixes);
                add_unique(files.programs, c.files.programs);
                add_unique(files.devices, c.files.devices);
                known = true;
            }
        // compat32 and ngx: libraries skiff does not look for (32-bit copies, NGX); accepted.
        if (!known && word != "compat32" && word != "ngx")
            return fail("NVIDIA_DRIVER_CAPABILITIES: unknown capability '" + std::string(word) + "'; known: " + known_names());
    }
    return files;
}

bool is_driver_library(const DriverFiles& files, std::string_view soname) {
    for (auto prefix : files.library_prefixes)
        if (soname.starts_with(prefix) && soname.substr(prefix.size()).starts_with(".so")) return true;
    return false;
}

std::string program_destination(std::string_view host_path) {
    return "/usr/bin/" + std::string(ldcache::file_name(host_path));
}

}  // namespace skiff::hooks::nvidia
