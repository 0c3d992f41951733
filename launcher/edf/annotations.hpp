// Annotation keys (edf.md §9): validation of flattened keys, shared with --annotation K=V on
// the command line. The typo check of the built-in hooks' settings is hooks/hook_table.cpp's.
#pragma once

#include <string>
#include <string_view>

#include "common/env_map.hpp"

namespace skiff::edf {

// "" if `key` is a valid flattened key (dot-separated parts of A-Z a-z 0-9 _ -), else the
// message, e.g. "annotation key 'com.x/y' may only use letters, digits, '_' and '-' per part".
std::string annotation_key_problem(std::string_view key);

// The variable an external hook receives for `key`: "OCI_ANNOTATION_" + key with each '.'
// replaced by "__" and each '-' by '_' (com.hooks.ssh.port -> OCI_ANNOTATION_com__hooks__ssh__port).
std::string annotation_env_name(std::string_view key);

// One warning naming every OCI_ANNOTATION_* variable of the host environment, which skiff
// ignores (§9), with the EDF key to use instead; "" if there is none. Not called by load():
// the launcher warns once per run.
std::string host_annotation_warning(const EnvMap& host_env);

}  // namespace skiff::edf
