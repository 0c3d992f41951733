// Runs a helper program to completion for the launcher (external hooks): in its own process
// group, killed with the launcher (PR_SET_PDEATHSIG), stdin /dev/null, cwd /, stdout and
// stderr captured (their last bytes kept). Past the timeout its group gets SIGTERM, then
// SIGKILL after the grace period; once it has exited, whatever it left running in its group
// is killed, so nothing it started outlives it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/sys_error.hpp"

namespace skiff::ns {

struct HelperProgram {
    // An O_PATH fd of the program, opened while its path was visible. It is executed by path
    // (argv[0], for scripts' $0) while `path` still names the same file, else through the fd.
    int program_fd = -1;
    std::string path;
    EnvMap env;
    // Keep this namespace's capabilities across execve (as ambient capabilities), as enroot
    // hooks expect; they are worth nothing outside the user namespace.
    bool keep_capabilities = false;
    std::chrono::milliseconds timeout{120'000};
    std::chrono::milliseconds grace{5'000};
};

struct HelperExit {
    int status = 0;          // exit code, or 128+N when signal N ended it
    int signal = 0;          // N, or 0
    bool timed_out = false;
    std::string out_tail;    // the last bytes of stdout and stderr
    std::string err_tail;
};

SysResult<HelperExit> run_helper(const HelperProgram& program);

}  // namespace skiff::ns
