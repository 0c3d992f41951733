// A helper server that lives exactly as long as the container's main process, which is not
// its parent: skiff becomes the user's command by exec, so the server is started before that
// exec, and must neither be the command's child (a wait() for all children would hang on it)
// nor outlive it.
//
// The chain: skiff -> (fork, unshare PID+mount namespaces) -> supervisor = PID 1 of a new PID
// namespace -> (fork) server. The supervisor polls a pidfd of skiff's process, which stays
// valid across exec; when the command ends it sends SIGTERM to the server, SIGKILL after the
// grace period, and exits. The death of a PID namespace's init kills everything in it, so the
// server's sessions (which each call setsid()) go too. The intermediate process exits at
// once and is reaped here, so the command never sees a child of skiff's.
//
// A server that must see the command's processes by their PIDs (the CUDA MPS daemon: its
// clients' PIDs from a parent namespace would read as 0 in a child one) stays in the
// container's PID namespace; its supervisor is then a child subreaper, adopts whatever the
// server leaves behind, and kills those too when it ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

struct ServerSpec {
    std::vector<std::string> argv;  // argv[0] is the file to execute
    std::vector<std::string> env;   // NAME=VALUE
    std::string log_path;           // the server's stdout and stderr (appended)
    bool fresh_devpts = false;      // mount_fresh_devpts() in the server's mount namespace
    bool own_pid_namespace = true;  // false: in the caller's, supervised as a subreaper
    std::chrono::milliseconds grace{2000};
};

// Returns the read end of a pipe that reaches end of file once the supervisor is gone, i.e.
// once the server has exited (or failed to start). Call before dropping privileges: the
// namespaces need CAP_SYS_ADMIN in the user namespace.
SysResult<UniqueFd> start_supervised_server(const ServerSpec& spec);

}  // namespace skiff::ns
