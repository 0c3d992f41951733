// CDI device names to the edits they bring (gpu.md §3): each used spec's top-level
// containerEdits once, in the order the specs are first used, then each device's edits in
// request order. "vendor/class=all" is the device named "all" where a spec defines one (NVIDIA's
// generated specs do: it holds every GPU's edits), else every device of the kind. A device
// named twice is used once.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "hooks/cdi/cdi_registry.hpp"

namespace skiff::cdi {

struct ResolvedEdits {
    const Spec* spec = nullptr;
    const Device* device = nullptr;  // nullptr: the spec's top-level edits
    const ContainerEdits* edits = nullptr;
    // "nvidia.com/gpu=0 (/etc/cdi/nvidia.yaml)" or "nvidia.com/gpu (/etc/cdi/nvidia.yaml)".
    std::string label() const;
};

struct Resolution {
    std::vector<std::string> devices;   // the qualified names used, "nvidia.com/gpu=0"
    std::vector<ResolvedEdits> edits;   // in the order they apply
};

// The error names the device, and what is available (or why nothing is). The resolution
// points into `registry`, which must outlive it.
Result<Resolution> resolve_devices(const CdiRegistry& registry, const std::vector<std::string>& names);
Result<Resolution> resolve_devices(CdiRegistry&& registry, const std::vector<std::string>& names) = delete;

}  // namespace skiff::cdi
