// EnvMap: an environment as name -> value, ordered so that plans and golden files are stable.
#pragma once

#include <map>
#include <string>

namespace skiff {

using EnvMap = std::map<std::string, std::string>;

// Reads a NULL-terminated envp array (e.g. `environ`) into an EnvMap.
EnvMap env_from_envp(char* const* envp);

}  // namespace skiff
