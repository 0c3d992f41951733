// Annotation lookups for the network hooks, which must tell "not set" from "set to false"
// (an explicit request changes the failure policy, hooks.md §0). Values are switches as
// hook_switch.hpp parses them.
#pragma once

#include <optional>
#include <string>

#include "hooks/hook_context.hpp"
#include "hooks/hook_switch.hpp"

namespace skiff::hooks {

// The annotation `key` as a switch; nullopt when it is not set. Errors as annotation_switch's.
Result<std::optional<bool>> annotation_switch(const Annotations& annotations, const std::string& key);

// The annotation `key` as text; nullopt when it is not set.
std::optional<std::string> annotation_text(const Annotations& annotations, const std::string& key);

// "com.hooks.cxi.enabled=true (/u/job.toml:7)" or "(command line)".
std::string annotation_origin(const Annotations& annotations, const std::string& key);

}  // namespace skiff::hooks
