// The environment of an external hook (hooks.md §6), apart from the four ENROOT_* variables the
// executor adds when it runs them: the host environment, without OCI_ANNOTATION_* variables
// (skiff ignores those, edf.md §9), then every annotation as OCI_ANNOTATION_<key> (`.` -> `__`,
// `-` -> `_`), SKIFF_VERSION and SKIFF_ARCH.
#pragma once

#include <map>
#include <string>

#include "common/env_map.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::hooks::external {

EnvMap hook_environment(const EnvMap& host, const std::map<std::string, edf::Sourced<std::string>>& annotations);

}  // namespace skiff::hooks::external
