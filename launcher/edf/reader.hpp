// The readers behind read_file(), one per part of the file. Internal to launcher/edf.
#pragma once

#include "launcher/edf/toml_util.hpp"

namespace skiff::edf {

void read_top_level(const TomlValue& root, ReadContext& ctx);     // read_keys.cpp
void read_env(const TomlValue& value, ReadContext& ctx);          // read_tables.cpp
void read_annotations(const TomlValue& value, ReadContext& ctx);  // read_tables.cpp

}  // namespace skiff::edf
