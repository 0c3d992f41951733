// CDI names (gpu.md §3; CDI's pkg/parser): kind "vendor/class", device name, and the fully
// qualified "vendor/class=name". vendor and class: letters, digits, '.', '_', '-', a letter
// first; name: letters, digits, '.', '_', ':', '-', a letter or digit first; all end in a
// letter or digit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff::cdi {

// Why `kind` is not a valid "vendor/class", or "" when it is.
std::string kind_problem(std::string_view kind);

// Why `name` is not a valid device name, or "" when it is.
std::string name_problem(std::string_view name);

struct QualifiedName {
    std::string kind;
    std::string name;  // "all" for every device of the kind
};

// "vendor/class=name" split and checked; nullopt with `why` set when it is not one.
std::optional<QualifiedName> parse_qualified(std::string_view text, std::string& why);

}  // namespace skiff::cdi
