// SOCK_SEQPACKET unix sockets on a path, and the peer's credentials (SO_PEERCRED).
#pragma once

#include <sys/socket.h>

#include <string>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

SysResult<UniqueFd> connect_unix(const std::string& path);

// The socket `name` in a directory held open as `directory` (held_dir.hpp), bound or reached
// through the descriptor, never by a path that could be swapped meanwhile. The address is
// /proc/self/fd/N/NAME, so its length does not depend on where the directory is. `shown` names
// the socket in errors. listen_unix_at() replaces a stale socket file left by a dead server.
SysResult<UniqueFd> listen_unix_at(int directory, const std::string& name, const std::string& shown);
SysResult<UniqueFd> connect_unix_at(int directory, const std::string& name, const std::string& shown);

// The peer's pid, uid and gid, in the caller's namespaces: for a listening socket's peer,
// those of whoever called listen() (unix(7), SO_PEERCRED).
SysResult<ucred> peer_credentials(int socket_fd);

// Blocking reads on `socket_fd` give up after `milliseconds` (EAGAIN).
SysResult<void> set_receive_timeout(int socket_fd, int milliseconds);

}  // namespace skiff::ns
