// A process that splits in two and keeps its parent half out of the way: the child goes on
// (and dies if the parent does: PR_SET_PDEATHSIG survives the child's later execve). `skiff
// run --save` and a Slurm step's holder with a save to do use it to keep a process on the
// host while the container runs (launcher/run/save_container.hpp).
#pragma once

#include <sys/types.h>

#include "common/sys_error.hpp"

namespace skiff::ns {

struct Split {
    bool child = false;
    pid_t pid = 0;   // the parent's: the child's pid
    int status = 0;  // split_and_wait's parent: the child's wait status
};

// Forks; the child returns {true}, the parent {false, pid} at once.
SysResult<Split> split_off();

// Forks. The child returns {true}. The parent returns {false, pid, status} once the child has
// ended. While it waits, SIGTERM, SIGHUP, SIGINT and SIGQUIT sent to the parent by another
// process are passed on to the child; the ones a terminal sends (si_code SI_KERNEL) reach the
// child from the terminal itself and are not sent twice.
SysResult<Split> split_and_wait();

// Reaps `child` if it has ended, without waiting: true then, and when it is no child of ours.
bool reap_if_ended(pid_t child);

// Converts a wait status to a shell's exit status: the code, or 128+N for signal N.
int exit_status_of(int wait_status);

}  // namespace skiff::ns
