// Lexical helpers for host and container paths (edf.md §5, §6). No system calls.
#pragma once

#include <string>
#include <string_view>

namespace skiff::edf {

// "./x", "../x", "." and "..": relative to the launcher's working directory (§5).
bool is_relative_form(std::string_view path);

// Joins `rel` to `cwd`. Leading ".." components climb `cwd` (a physical path from getcwd);
// later ".." components are kept, because a symlink may stand before them.
std::string make_absolute(std::string_view cwd, std::string_view rel);

// Drops "." components, repeated and trailing slashes; keeps "..". "/" stays "/".
std::string clean_path(std::string_view path);

// True if a '/'-separated component is exactly "..".
bool has_dotdot(std::string_view path);

// The last component of a path ("a.toml" for "/u/.edf/a.toml").
std::string base_name(std::string_view path);

}  // namespace skiff::edf
