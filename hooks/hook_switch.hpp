// Hook switches (hooks.md): an annotation such as com.hooks.slurm.enabled holds true/false,
// case-insensitive, or 1/0, yes/no, on/off. Anything else is an error naming the key.
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::hooks {

// nullopt for a value that is not a switch.
std::optional<bool> parse_switch(const std::string& value);

// The annotation `key` of the environment as a switch; `fallback` when it is absent.
Result<bool> annotation_switch(const edf::Environment& environment, const std::string& key, bool fallback);

}  // namespace skiff::hooks
