// Passing file descriptors between processes over a unix socket (SCM_RIGHTS).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::ns {

// A SOCK_SEQPACKET socketpair: message boundaries are kept and EOF is seen on peer exit.
SysResult<std::pair<UniqueFd, UniqueFd>> seqpacket_pair();

// Sends `payload` (at least one byte) with `fd` attached (fd < 0: no descriptor).
SysResult<void> send_message(int socket_fd, const std::string& payload, int fd = -1);

// The same with several descriptors (at most max_message_fds), received in this order.
inline constexpr std::size_t max_message_fds = 4;
SysResult<void> send_message(int socket_fd, const std::string& payload, std::span<const int> fds);

struct Message {
    std::string payload;          // empty: the peer closed the socket
    UniqueFd fd;                  // the first descriptor attached, if any
    std::vector<UniqueFd> more;   // the others, in the order they were sent
};
SysResult<Message> receive_message(int socket_fd);

}  // namespace skiff::ns
