// YAML to the JSON tree nlohmann::json builds, for CDI spec files (gpu.md §3). One document;
// plain scalars typed by the YAML 1.2 core schema (null, true/false, integers, floats), quoted
// ones strings. Anchors and aliases are refused: CDI specs never need them, and an alias is
// how a few bytes expand into gigabytes ("billion laughs"). Nesting is bounded by max_depth.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace skiff::cdi {

inline constexpr std::size_t default_max_depth = 32;

// The error names the line ("line 4: ..."); the caller adds the file.
Result<nlohmann::json> yaml_to_json(std::string_view text, std::size_t max_depth = default_max_depth);

}  // namespace skiff::cdi
