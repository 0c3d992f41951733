// Hook switches (hooks.md §0): true/false, case-insensitive, and 1/0, yes/no, on/off. Any other
// value is an error naming the key and where it was set.
#pragma once

#include <optional>
#include <string>

#include "hooks/hook_context.hpp"

namespace skiff::hooks {

std::optional<bool> parse_switch(const std::string& value);

// The annotation `key` as a switch; nullopt when it is not set.
Result<std::optional<bool>> annotation_switch(const Annotations& annotations, const std::string& key);

// The annotation `key` as text; nullopt when it is not set.
std::optional<std::string> annotation_text(const Annotations& annotations, const std::string& key);

// "com.hooks.cxi.enabled=true (/u/job.toml:7)" or "(command line)".
std::string annotation_origin(const Annotations& annotations, const std::string& key);

}  // namespace skiff::hooks
