#include "namespaces/fd_passing.hpp"

#include <sys/socket.h>

#include <cstring>

namespace skiff::ns {

SysResult<std::pair<UniqueFd, UniqueFd>> seqpacket_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return sys_fail("socketpair");
    return std::pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

SysResult<void> send_message(int socket_fd, const std::string& payload, int fd) {
    if (fd < 0) return send_message(socket_fd, payload, std::span<const int>{});
    return send_message(socket_fd, payload, std::span<const int>(&fd, 1));
}

SysResult<void> send_message(int socket_fd, const std::string& payload, std::span<const int> fds) {
    if (fds.size() > max_message_fds) return sys_fail("sendmsg", "control socket", E2BIG);
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_message_fds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (!fds.empty()) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t n;
    do n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) return sys_fail("sendmsg", "control socket");
    return {};
}

SysResult<Message> receive_message(int socket_fd) {
    char buffer[4096];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_message_fds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0) return sys_fail("recvmsg", "control socket");
    Message message;
    message.payload.assign(buffer, static_cast<std::size_t>(n));
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (!message.fd.valid()) message.fd.reset(fd);
            else message.more.emplace_back(fd);
        }
    }
    return message;
}

}  // namespace skiff::ns
