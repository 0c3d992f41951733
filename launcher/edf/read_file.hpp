// Reading one EDF: TOML parsing with file:line:column syntax errors, and the per-file type
// checks of edf.md §1. Internal to launcher/edf.
#pragma once

#include <string>

#include "common/diagnostics.hpp"
#include "launcher/edf/file_data.hpp"

namespace skiff::edf {

// Problems go to diag; whatever could be read is returned (nothing after a syntax error).
FileData read_file(const std::string& path, Diagnostics& diag);

}  // namespace skiff::edf
