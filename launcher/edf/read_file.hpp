// Reading one EDF: TOML parsing with file:line:column syntax errors, and the per-file type
// checks of edf.md §1. Internal to launcher/edf.
#pragma once

#include <string>

#include <toml.hpp>

#include "common/diagnostics.hpp"
#include "launcher/edf/file_data.hpp"

namespace skiff::edf {

// "FILE:LINE:COLUMN: invalid TOML: REASON", then the line and a caret under the column.
std::string toml_syntax_message(const std::string& path, const toml::syntax_error& error);

// Problems go to diag; whatever could be read is returned (nothing after a syntax error).
FileData read_file(const std::string& path, Diagnostics& diag);

}  // namespace skiff::edf
