// Reading a TOML file skiff is given (an EDF, the site configuration) within the limits of
// toml_limits.hpp, then parsing it with toml11.
#pragma once

#include <istream>
#include <string>

#include "common/error.hpp"
#include "launcher/edf/toml_util.hpp"

namespace skiff::edf {

struct TomlFile {
    TomlValue root;
    LineIndex lines;
};

// Reads at most max_toml_bytes from `in`. Errors are one line naming `path`: the size
// limit, PATH:LINE for the depth limit, PATH:LINE:COLUMN for a syntax error.
Result<TomlFile> parse_toml(std::istream& in, const std::string& path);

}  // namespace skiff::edf
