// A CDI spec file as typed data (gpu.md §3; CDI's specs-go/config.go), versions 0.3.0 to 1.1.0.
// Optional fields a later version added are optional<> here, so the version gate can see them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skiff::cdi {

struct DeviceNode {
    std::string path;                          // container path
    std::optional<std::string> host_path;      // 0.5.0; defaults to path
    std::string type;                          // "b", "c", "u", "p" or ""
    std::optional<std::int64_t> major;
    std::optional<std::int64_t> minor;
    std::optional<std::uint32_t> file_mode;
    std::string permissions;                   // of "rwm"
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
    std::string host() const { return host_path.value_or(path); }
};

struct Mount {
    std::string host_path;
    std::string container_path;
    std::vector<std::string> options;
    std::optional<std::string> type;           // 0.4.0
};

struct Hook {
    std::string hook_name;                     // createContainer, ...
    std::string path;                          // absolute
    std::vector<std::string> args;             // with argv[0]
    std::vector<std::string> env;
    std::optional<std::int64_t> timeout;       // seconds
};

// 0.7.0 (closID, l3CacheSchema, memBwSchema, enableCMT, enableMBM); 1.1.0 (schemata,
// enableMonitoring). Read only to be refused: skiff cannot assign RDT classes rootless.
struct IntelRdt {
    std::string clos_id;
    std::vector<std::string> fields;           // the keys present, for messages
};

struct NetDevice {                             // 1.1.0
    std::string host_interface_name;
    std::string name;
};

struct ContainerEdits {
    std::vector<std::string> env;              // "K=V"
    std::vector<DeviceNode> device_nodes;
    std::vector<Mount> mounts;
    std::vector<Hook> hooks;
    std::vector<std::uint32_t> additional_gids;  // 0.7.0
    std::optional<IntelRdt> intel_rdt;           // 0.7.0
    std::vector<NetDevice> net_devices;          // 1.1.0
    bool empty() const {
        return env.empty() && device_nodes.empty() && mounts.empty() && hooks.empty() && additional_gids.empty() &&
               !intel_rdt && net_devices.empty();
    }
};

struct Device {
    std::string name;
    std::map<std::string, std::string> annotations;  // 0.6.0
    ContainerEdits edits;
};

struct Spec {
    std::string file;                          // the file it was read from
    std::string version;                       // cdiVersion
    std::string kind;                          // vendor/class
    std::map<std::string, std::string> annotations;  // 0.6.0
    std::vector<Device> devices;
    ContainerEdits edits;                      // applied once when any device of the spec is used
};

}  // namespace skiff::cdi
