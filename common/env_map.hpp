// EnvMap: an environment as name -> value, ordered so that plans and golden files are stable.
#pragma once

#include <map>
#include <string>

namespace skiff {

using EnvMap = std::map<std::string, std::string>;

// Reads a NULL-terminated envp array (e.g. `environ`) into an EnvMap.
EnvMap env_from_envp(char* const* envp);

// The value of `name`, or "" when it is not set.
std::string env_value(const EnvMap& env, const std::string& name);

// Where temporary files go: $TMPDIR, or /tmp when it is unset or empty.
std::string temporary_directory(const EnvMap& env);

}  // namespace skiff
