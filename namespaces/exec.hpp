// The last step of a launch: drop every capability, forbid privilege gain, and execve the
// command found on the container's PATH. Nothing here runs a shell.
#pragma once

#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/sys_error.hpp"

namespace skiff::ns {

// Clears the bounding, ambient, effective, permitted and inheritable sets and sets
// no_new_privs, so neither an exec as uid 0 (--root) nor a setuid file in the image can give
// the command capabilities.
SysResult<void> drop_privileges();

// Finds argv[0] like execvp, but on `path` (the container's PATH) instead of ours.
// Returns the path to execute, or ENOENT/EACCES.
SysResult<std::string> find_command(const std::string& name, const std::string& path);

// execve; returns only on failure.
SysError exec_command(const std::string& file, const std::vector<std::string>& argv, const EnvMap& env);

}  // namespace skiff::ns
