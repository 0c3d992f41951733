// The host files the SSH server needs in the container besides its programs: the DT_NEEDED
// closure of every program, resolved through the host's ld.so.cache with skiff's own reader,
// the nss modules sshd loads by name, and the host's loader (PT_INTERP). Unlike the network
// hooks' closures (hooks.md §1), the C library family stays in: the host loader needs it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::hooks::ssh {

struct ServerClosure {
    std::map<std::string, std::string> libraries;  // soname -> host path
    std::string loader;                            // host path of the programs' PT_INTERP
};

// `programs`: host paths, sshd first. Errors name the file and the missing library.
Result<ServerClosure> server_closure(const std::vector<std::string>& programs);

}  // namespace skiff::hooks::ssh
