// The OOM killer's ranking (proc(5), /proc/PID/oom_score_adj): it kills the process with the
// highest oom_score first. Without CAP_SYS_RESOURCE (in the initial user namespace; a user
// namespace's own does not count) a process may raise its adjustment, but not lower it below
// the lowest value a privileged process gave it (oom_score_adj_min, inherited across fork).
// So a rootless launcher cannot rank its image servers below itself; it ranks what depends on
// them above them instead (README, "Warm starts").
#pragma once

#include "common/sys_error.hpp"

namespace skiff::ns {

// Adds `by` to this process's oom_score_adj (capped at 1000); children inherit the result.
SysResult<void> raise_oom_score_adj(int by);

}  // namespace skiff::ns
