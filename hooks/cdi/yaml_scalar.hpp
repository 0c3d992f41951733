// The type of a plain (unquoted, untagged) YAML scalar, by the YAML 1.2 core schema, with
// YAML 1.1's leading-zero octal (0644) that Go's YAML library, used by CDI's own tools, reads.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace skiff::cdi {

// null for "", "~", "null"; a boolean for true/false; an integer for decimal, 0o/0x and
// leading-zero octal numbers; a float for decimals with a point or exponent; else the text.
nlohmann::json typed_plain_scalar(const std::string& text);

}  // namespace skiff::cdi
