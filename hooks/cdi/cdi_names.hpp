// Fully qualified CDI names "vendor/class=name" (gpu.md §3; CDI's pkg/parser), split with the
// reason when they are not one. The rules of kinds and names are common/device_name.hpp's,
// which the EDF's `devices` uses too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/device_name.hpp"

namespace skiff::cdi {

struct QualifiedName {
    std::string kind;
    std::string name;  // "all" for every device of the kind
};

// "vendor/class=name" split and checked; nullopt with `why` set when it is not one.
std::optional<QualifiedName> parse_qualified(std::string_view text, std::string& why);

}  // namespace skiff::cdi
