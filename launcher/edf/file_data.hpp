// What one EDF file says, type-checked but not yet expanded (edf.md §1), and the same shape
// after merging (§3). Internal to launcher/edf.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "launcher/edf/edf.hpp"

namespace skiff::edf {

// A string value as written, with where it came from. `field` names it in messages:
// "image", "mounts[1]", "base_environment[0]", "env.PATH", "annotations.com.hooks.ssh.port".
struct Text {
    std::string value;
    Origin origin;
    std::string field;
};

struct FileData {
    std::string path;                    // absolute
    bool image_known = true;             // false after a syntax error or a bad 'image' value
    std::vector<Text> bases;             // base_environment entries (empty ones dropped)
    std::optional<Text> image;
    std::optional<Text> workdir;
    std::optional<Sourced<bool>> entrypoint;
    std::optional<Sourced<bool>> writable;
    std::vector<Text> mounts;
    std::vector<Text> devices;
    std::map<std::string, Text> env;          // name -> raw value
    std::map<std::string, Text> annotations;  // flattened key -> raw value
};

// Everything merged (§3); base_environment is not inherited.
struct Merged {
    std::optional<Text> image;
    std::optional<Text> workdir;
    Sourced<bool> entrypoint{false, {}};
    Sourced<bool> writable{true, {}};
    std::vector<Text> mounts;
    std::vector<Text> devices;
    std::map<std::string, Text> env;
    std::map<std::string, Text> annotations;
    std::vector<std::string> files;
};

}  // namespace skiff::edf
