#include "hooks/devices/devices_hook.hpp"

#include <sys/stat.h>

#include <array>

#include "common/device_name.hpp"
#include "common/sys_error.hpp"
#include "hooks/cdi/cdi_contribution.hpp"
#include "launcher/site/site_table.hpp"

namespace skiff::hooks {
namespace {

struct HostDevice {
    std::string path;
    std::string origin;  // "a.toml:4" or "command line"
};

struct DeviceFacts {
    std::vector<HostDevice> host_devices;
    std::optional<Contribution> cdi;        // the CDI devices' edits, read from the host
    std::vector<std::string> specs_read;    // the CDI directories and spec files loaded
};

constexpr std::array<std::string_view, 1> cdi_keys = {"spec_dirs"};

// Where the node's CDI specs are: [hooks.cdi] spec_dirs, else CDI's own default.
Result<std::vector<std::string>> spec_dirs(const site::SiteConfig* site) {
    auto table = site::SiteTable::open(site, "hooks.cdi", cdi_keys);
    if (!table) return Unexpected(table.error());
    auto dirs = table->strings("spec_dirs");
    if (!dirs) return Unexpected(dirs.error());
    return dirs->empty() ? cdi::default_cdi_dirs() : std::move(*dirs);
}

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

// The CDI names, resolved through the node's specs. nvidia.com/gpu names are left to the
// nvidia hook when no spec of that kind exists (most clusters have none).
Result<void> cdi_devices(const plan::PlanRequest& request, SharedFacts& shared, DeviceFacts& facts) {
    std::vector<std::string> names;
    for (const auto& device : request.environment.devices)
        if (!device.value.starts_with("/")) names.push_back(device.value);
    if (names.empty()) return {};
    auto dirs = spec_dirs(request.site);
    if (!dirs) return Unexpected(dirs.error());
    auto registry = cdi::load_cdi_registry(*dirs);
    facts.specs_read = registry.read;
    std::vector<std::string> wanted;
    for (const auto& name : names) {
        auto parsed = parse_cdi_name(name);
        if (parsed && parsed->kind() == "nvidia.com/gpu" && !registry.kinds.contains(parsed->kind())) continue;
        if (parsed) shared.cdi_kinds.insert(parsed->kind());
        wanted.push_back(name);
    }
    if (wanted.empty()) return {};
    auto contribution = cdi::cdi_contribution(registry, wanted);
    if (!contribution) return Unexpected(contribution.error());
    facts.cdi = std::move(*contribution);
    return {};
}

}  // namespace

Result<std::optional<HookFacts>> gather_devices(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    if (request.environment.devices.empty()) return std::optional<HookFacts>{};
    DeviceFacts facts;
    for (const auto& request_device : request.environment.devices) {
        if (!request_device.value.starts_with("/")) continue;
        auto device = host_device(request_device);
        if (!device) return Unexpected(device.error());
        facts.host_devices.push_back(std::move(*device));
    }
    if (auto cdi = cdi_devices(request, shared, facts); !cdi) return Unexpected(cdi.error());
    return std::optional<HookFacts>(std::move(facts));
}

Result<Contribution> contribute_devices(const HookFacts& facts, const plan::PlanRequest&) {
    const auto& devices = std::any_cast<const DeviceFacts&>(facts);
    Contribution c = devices.cdi ? *devices.cdi : Contribution{};
    c.hook = "devices";
    // Host devices count by their type only: a terminal's times move with every write, and
    // the plan binds the path, whichever node is there. Each CDI directory and spec file
    // counts whole: a spec added, removed or edited can change what a name means.
    if (!c.host_inputs) c.host_inputs.emplace();
    for (const auto& path : devices.specs_read) c.host_inputs->push_back({path, false});
    for (const auto& device : devices.host_devices) {
        c.mounts.push_back(plan::device_bind(device.path, device.path, device.origin));
        c.host_inputs->push_back({device.path, true});
        c.notes.push_back("device " + device.path + " (" + device.origin + ")");
    }
    return c;
}

}  // namespace skiff::hooks
