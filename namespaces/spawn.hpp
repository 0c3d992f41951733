// Starting other programs: fork and execve of an argv vector, with the descriptors and the
// environment given and nothing else (no shell, style.md rule 13). spawn() reports a failed
// execve to its caller; fork_detached() is the daemon's double fork, so that a process is
// nobody's child (no command that waits for all its children waits for it); spawn_detached()
// runs a program that way.
//
// Between fork and execve the child makes only async-signal-safe calls: the Slurm plugin
// spawns from inside slurmstepd, which has threads.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

// Our descriptor `fd` becomes the program's descriptor `at` (close-on-exec cleared).
struct FdAt {
    int fd = -1;
    int at = -1;
};

struct SpawnSpec {
    std::string file;               // the program, as execve's path
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> env;   // the program's whole environment, NAME=VALUE
    // Besides 0, 1 and 2 (inherited unless listed here), the only descriptors the program
    // gets: every other one is closed, close-on-exec or not.
    std::vector<FdAt> fds;
};

// The program's pid; the caller reaps it (wait_status). A failed execve (or dup2) is an error
// here, SysError{errno, "execve", file}, and its child is reaped already.
SysResult<pid_t> spawn(const SpawnSpec& spec);

// A close-on-exec pipe; `what` names it in errors.
struct Pipe {
    UniqueFd read, write;
};
SysResult<Pipe> make_pipe(const std::string& what);

// Appends what `fd` yields until end of file (or an error) to `bytes`; false once `bytes`
// holds more than `limit`.
bool read_to_end(int fd, std::string& bytes, std::size_t limit = static_cast<std::size_t>(-1));

// The double fork: a middle process starts a new session (setsid: no terminal's signals, and
// no controlling terminal ever again), forks `body` and exits at once, so that `body` is
// reparented and is nobody's child. `body` should not return (if it does, it exits with 0).
// Returns the middle process: reap it (wait_status) before the caller execs, or the program
// it becomes inherits it. Its exit status is 0, or the errno of its failed fork.
SysResult<pid_t> fork_detached(const std::function<void()>& body);

// spawn() through fork_detached(); returns once the program's execve has succeeded, with the
// middle process reaped.
SysResult<void> spawn_detached(const SpawnSpec& spec);

// waitpid for `pid`, retried on EINTR: its wait status.
SysResult<int> wait_status(pid_t pid);

// What a program printed and how it ended.
struct Captured {
    int status = 0;      // its wait status
    std::string output;  // everything it wrote to stdout (and to stderr, if captured)
};
enum class Capture { stdout_only, stdout_and_stderr };

// spawn() with stdout (and stderr) into a pipe, read to its end, then reaped.
SysResult<Captured> spawn_and_capture(SpawnSpec spec, Capture what);

// Our environment (environ) as SpawnSpec::env.
std::vector<std::string> current_environment();

}  // namespace skiff::ns
