// Passing file descriptors between processes over a unix socket (SCM_RIGHTS).
#pragma once

#include <string>

#include "namespaces/sys_error.hpp"
#include "namespaces/unique_fd.hpp"

namespace skiff::ns {

// A SOCK_SEQPACKET socketpair: message boundaries are kept and EOF is seen on peer exit.
SysResult<std::pair<UniqueFd, UniqueFd>> seqpacket_pair();

// Sends `payload` (at least one byte) with `fd` attached (fd < 0: no descriptor).
SysResult<void> send_message(int socket_fd, const std::string& payload, int fd = -1);

struct Message {
    std::string payload;  // empty: the peer closed the socket
    UniqueFd fd;          // the descriptor attached, if any
};
SysResult<Message> receive_message(int socket_fd);

}  // namespace skiff::ns
