#include "hooks/cdi/cdi_mounts.hpp"

#include <sys/stat.h>

#include <array>
#include <string_view>

namespace skiff::cdi {
namespace {

using plan::MountOp;

struct MountOption {
    std::string_view name;
    void (*apply)(MountOp&);
};

constexpr std::array<MountOption, 14> mount_options = {{
    {"ro", [](MountOp& op) { op.read_only = true; }},
    {"rw", [](MountOp& op) { op.read_only = false; }},
    {"nosuid", [](MountOp& op) { op.nosuid = true; }},
    {"suid", [](MountOp& op) { op.nosuid = false; }},
    {"nodev", [](MountOp& op) { op.nodev = true; }},
    {"dev", [](MountOp& op) { op.nodev = false; }},
    {"noexec", [](MountOp& op) { op.noexec = true; }},
    {"exec", [](MountOp& op) { op.noexec = false; }},
    {"bind", [](MountOp& op) { op.recursive = false; }},
    {"rbind", [](MountOp& op) { op.recursive = true; }},
    {"private", [](MountOp& op) { op.propagation = plan::Propagation::private_; }},
    {"rprivate", [](MountOp& op) { op.propagation = plan::Propagation::rprivate; }},
    {"slave", [](MountOp& op) { op.propagation = plan::Propagation::slave; }},
    {"rslave", [](MountOp& op) { op.propagation = plan::Propagation::rslave; }},
}};

constexpr std::array<std::string_view, 6> atime_options = {"atime",   "noatime",     "relatime",
                                                           "norelatime", "strictatime", "nodiratime"};

bool host_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<MountOp> device_node_mount(const DeviceNode& node, const std::string& label) {
    std::string host = node.host();
    if (!host_exists(host))
        return fail("CDI " + label + ": device node '" + host + "' does not exist on this host" +
                    (host.starts_with("/dev/nvidia-uvm") ? " (it appears after nvidia-modprobe -u -c=0 at boot)" : ""));
    return plan::device_bind(host, node.path, "cdi " + label + ": device");
}

Result<MountOp> cdi_mount(const Mount& mount, const std::string& label, std::vector<std::string>& notes) {
    std::string what = "CDI " + label + ": mount '" + mount.container_path + "'";
    if (mount.type && !mount.type->empty() && *mount.type != "bind")
        return fail(what + ": type '" + *mount.type + "' is not supported; skiff makes bind mounts only");
    if (!mount.host_path.starts_with("/")) return fail(what + ": hostPath '" + mount.host_path + "' is not absolute");
    MountOp op;
    op.kind = plan::MountKind::bind;
    op.source = mount.host_path;
    op.destination = mount.container_path;
    op.origin = "cdi " + label;
    for (const auto& option : mount.options) {
        const MountOption* known = nullptr;
        for (const auto& o : mount_options)
            if (o.name == option) known = &o;
        if (known) {
            known->apply(op);
            continue;
        }
        bool atime = false;
        for (auto a : atime_options) atime = atime || a == option;
        if (!atime) return fail(what + ": option '" + option + "' is not supported");
        notes.push_back(what + ": '" + option + "' left to the host mount");
    }
    return op;
}

}  // namespace skiff::cdi
