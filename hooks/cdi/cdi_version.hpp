// CDI spec versions skiff reads (0.3.0 to 1.1.0), and what each added (gpu.md §3; CDI's
// pkg/cdi/version.go): a spec that uses a field newer than its cdiVersion fails to load.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff::cdi {

// An index into the supported versions, in order: comparable with <.
using Version = int;

inline constexpr std::string_view oldest_version = "0.3.0";
inline constexpr std::string_view newest_version = "1.1.0";

// The version's index, or nullopt when skiff does not read it.
std::optional<Version> parse_version(std::string_view text);

// "0.5.0" for parse_version("0.5.0").
std::string_view version_name(Version v);

// The version that added a spec feature; the keys are the names the messages use.
Version v040();  // mounts[].type
Version v050();  // deviceNodes[].hostPath, device names starting with a digit
Version v060();  // annotations, '.' in the class of kind
Version v070();  // intelRdt, additionalGids
Version v110();  // netDevices, intelRdt.schemata, intelRdt.enableMonitoring

}  // namespace skiff::cdi
