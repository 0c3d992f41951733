#include "hooks/devices/devices_hook.hpp"

#include <sys/stat.h>

#include "common/sys_error.hpp"

namespace skiff::hooks {
namespace {

struct HostDevice {
    std::string path;
    std::string origin;  // "a.toml:4" or "command line"
};

struct DeviceFacts {
    std::vector<HostDevice> host_devices;
};

// A host device node, named by an absolute /dev path the EDF loader checked.
Result<HostDevice> host_device(const edf::Sourced<std::string>& request) {
    struct stat st {};
    const std::string& path = request.value;
    std::string where = request.origin.str() + ": device '" + path + "'";
    if (::stat(path.c_str(), &st) != 0)
        return fail(where + ": " + SysError{errno, "stat", path}.describe() + "; on a node without it, remove it from 'devices'");
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return fail(where + " is not a device node on this node");
    return HostDevice{path, request.origin.str()};
}

// Devices are bound read-write (programs open them so) but never exec or setuid.
plan::MountOp device_bind(const HostDevice& device) {
    plan::MountOp op;
    op.source = op.destination = device.path;
    op.nosuid = op.noexec = true;
    op.recursive = false;
    op.create = plan::CreatePolicy::file;
    op.origin = device.origin;
    return op;
}

}  // namespace

Result<std::optional<HookFacts>> gather_devices(const plan::PlanRequest& request, SharedFacts&, Diagnostics&) {
    if (request.environment.devices.empty()) return std::optional<HookFacts>{};
    DeviceFacts facts;
    for (const auto& request_device : request.environment.devices) {
        if (request_device.value.starts_with("nvidia.com/gpu=")) continue;  // the nvidia hook's
        if (!request_device.value.starts_with("/"))
            return fail(request_device.origin.str() + ": device '" + request_device.value +
                        "': CDI devices are not supported yet; nvidia.com/gpu=... is");
        auto device = host_device(request_device);
        if (!device) return Unexpected(device.error());
        facts.host_devices.push_back(std::move(*device));
    }
    if (facts.host_devices.empty()) return std::optional<HookFacts>{};
    return std::optional<HookFacts>(std::move(facts));
}

Result<Contribution> contribute_devices(const HookFacts& facts, const plan::PlanRequest&) {
    const auto& devices = std::any_cast<const DeviceFacts&>(facts);
    Contribution c;
    c.hook = "devices";
    for (const auto& device : devices.host_devices) {
        c.mounts.push_back(device_bind(device));
        c.notes.push_back("device " + device.path + " (" + device.origin + ")");
    }
    return c;
}

}  // namespace skiff::hooks
