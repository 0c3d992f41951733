#include "namespaces/unix_socket.hpp"

#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace skiff::ns {
namespace {

SysResult<sockaddr_un> address_of(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return sys_fail("socket path too long", path, ENAMETOOLONG);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

SysResult<UniqueFd> new_socket(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return sys_fail("socket", path);
    return fd;
}

}  // namespace

SysResult<UniqueFd> listen_unix(const std::string& path) {
    auto address = address_of(path);
    if (!address) return Unexpected(address.error());
    auto fd = new_socket(path);
    if (!fd) return fd;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_fail("unlink", path);
    if (::bind(fd->get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) return sys_fail("bind", path);
    if (::listen(fd->get(), 64) != 0) return sys_fail("listen", path);
    return fd;
}

SysResult<UniqueFd> connect_unix(const std::string& path) {
    auto address = address_of(path);
    if (!address) return Unexpected(address.error());
    auto fd = new_socket(path);
    if (!fd) return fd;
    if (::connect(fd->get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0)
        return sys_fail("connect", path);
    return fd;
}

SysResult<ucred> peer_credentials(int socket_fd) {
    ucred credentials{};
    socklen_t size = sizeof credentials;
    if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0)
        return sys_fail("getsockopt SO_PEERCRED", "image server socket");
    return credentials;
}

SysResult<void> set_receive_timeout(int socket_fd, int milliseconds) {
    timeval timeout{milliseconds / 1000, (milliseconds % 1000) * 1000};
    if (::setsockopt(socket_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
        return sys_fail("setsockopt SO_RCVTIMEO", "image server socket");
    return {};
}

}  // namespace skiff::ns
