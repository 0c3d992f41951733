// Renaming a process that was forked without an exec (the spare builder), so that ps shows what
// it is rather than a copy of the command line it was forked from.
#pragma once

#include <string>
#include <vector>

#include "common/sys_error.hpp"

namespace skiff::ns {

// Sets the command line (/proc/self/cmdline: `ps -f`, `ps aux`, `pgrep -f`) to `words` and the
// name (/proc/self/comm: `ps`, `top`; the kernel keeps 15 bytes) to `name`.
//
// The kernel reads the command line from the memory that held argv at execve (the
// arg_start..arg_end of /proc/self/stat), and moving that range (PR_SET_MM_ARG_START) needs
// CAP_SYS_RESOURCE. So `words` are written over the old argv, NUL-separated and NUL-padded
// (ps drops trailing NULs), and cut short if they do not fit.
SysResult<void> set_process_title(const std::vector<std::string>& words, const std::string& name);

}  // namespace skiff::ns
