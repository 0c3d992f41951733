// The CDI specs of a node, indexed by kind and device name (gpu.md §3).
//
//   CdiRegistry registry = load_cdi_registry({"/etc/cdi", "/var/run/cdi"});
//
// Directories are read in the order given, each one's *.json/*.yaml/*.yml files in name order.
// A later directory wins for the same kind and device name. Within one directory, a device
// that two files define is dropped, as CDI's own registry does: requesting it is an error that
// names both files. A directory that does not exist is skipped.
//
// Loading never fails. A spec file that does not load is kept as one error line naming the
// file, and reported only when it matters (cdi_resolve.hpp): when a device of the kind it
// names is requested, or, when its kind cannot be read, when a request finds no device.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hooks/cdi/cdi_spec.hpp"

namespace skiff::cdi {

struct DeviceRef {
    std::size_t spec = 0;    // index into CdiRegistry::specs
    std::size_t device = 0;  // index into that spec's devices
    auto operator<=>(const DeviceRef&) const = default;
};

struct KindIndex {
    std::map<std::string, DeviceRef> devices;      // each name's winning definition
    std::map<std::string, std::string> conflicts;  // dropped names: why
    std::vector<std::string> errors;               // files of this kind that did not load
};

struct CdiRegistry {
    std::vector<std::string> dirs;             // as given, for messages
    std::vector<Spec> specs;                   // every spec that loaded, in load order
    std::map<std::string, KindIndex> kinds;
    std::vector<std::string> unreadable;       // errors of files whose kind is unknown
    std::vector<std::string> read;             // each directory, then each spec file in it
};

inline const std::vector<std::string>& default_cdi_dirs() {
    static const std::vector<std::string> dirs = {"/etc/cdi", "/var/run/cdi"};
    return dirs;
}

CdiRegistry load_cdi_registry(const std::vector<std::string>& dirs);

}  // namespace skiff::cdi
