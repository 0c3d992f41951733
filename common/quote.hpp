// A double-quoted string with the escapes that TOML basic strings and JSON share, for
// `skiff edf show` and `skiff doctor --json`.
#pragma once

#include <string>
#include <string_view>

namespace skiff {

std::string quote(std::string_view text);

}  // namespace skiff
