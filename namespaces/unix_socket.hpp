// SOCK_SEQPACKET unix sockets on a path, and the peer's credentials (SO_PEERCRED).
#pragma once

#include <sys/socket.h>

#include <string>

#include "namespaces/sys_error.hpp"
#include "namespaces/unique_fd.hpp"

namespace skiff::ns {

// Binds and listens at `path`, replacing a stale socket file left by a dead server.
SysResult<UniqueFd> listen_unix(const std::string& path);

SysResult<UniqueFd> connect_unix(const std::string& path);

// The connecting process's pid, uid and gid, in the caller's namespaces.
SysResult<ucred> peer_credentials(int socket_fd);

// Blocking reads on `socket_fd` give up after `milliseconds` (EAGAIN).
SysResult<void> set_receive_timeout(int socket_fd, int milliseconds);

}  // namespace skiff::ns
