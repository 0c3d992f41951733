// The plugin's arguments on its plugstack.conf line (`required spank_skiff.so skiff=PATH`),
// parsed through a table (style.md rule 14).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff::spank {

struct Settings {
    std::string skiff = SKIFF_INSTALLED_BINARY;  // skiff=PATH: the skiff binary the plugin runs
                                                 // (default: PREFIX/bin/skiff, from CMake)
};

// The settings from the plugstack.conf words; an error names the first unknown word, or one
// whose value is not an absolute path, and lists the known arguments.
Result<Settings> parse_plugin_arguments(const std::vector<std::string_view>& words);

}  // namespace skiff::spank
