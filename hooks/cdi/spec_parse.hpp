// A CDI spec from its bytes (JSON, or YAML through yaml_to_json.hpp) to a checked Spec: a
// supported cdiVersion first, then kind and device names (cdi_names.hpp), no unknown fields
// and none newer than cdiVersion (gpu.md §3). Every error is one line naming the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "hooks/cdi/cdi_spec.hpp"

namespace skiff::cdi {

inline constexpr std::size_t max_spec_bytes = 1 << 20;  // a generated NVIDIA spec is ~40 KiB

enum class SpecFormat { json, yaml };

// The tree of `text`, bounded in size and nesting depth.
Result<nlohmann::json> spec_tree(std::string_view text, SpecFormat format, const std::string& file);

// The spec in `tree`; `file` names it in errors.
Result<Spec> parse_spec(const nlohmann::json& tree, const std::string& file);

// spec_tree, then parse_spec.
Result<Spec> parse_spec_text(std::string_view text, SpecFormat format, const std::string& file);

}  // namespace skiff::cdi
