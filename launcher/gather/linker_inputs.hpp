// What the linker configuration of `ldcache` mounts was computed from, for the plan memory:
// each injected directory, every entry in it, its glibc-hwcaps directory and the entries of
// each subdirectory there. A superset of what the scan reads (libfabric-bind/dir_scan.hpp
// skips names that are not libraries), so that any change the scan could see changes one of
// these identities: a directory's own times change when an entry is added, removed or
// renamed, and an entry's (followed through symlinks) when a library is rewritten in place.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/linker_config.hpp"

namespace skiff::gather {

// More entries than this are not worth a stat each on every launch: such a launch is planned
// again every time.
inline constexpr std::size_t max_linker_inputs = 4096;

// The paths, or an error saying there are more than max_linker_inputs.
Result<std::vector<std::string>> linker_inputs(const std::vector<ldcache::InjectedDir>& dirs);

}  // namespace skiff::gather
