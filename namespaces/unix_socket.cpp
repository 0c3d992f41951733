#include "namespaces/unix_socket.hpp"

#include <fcntl.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "namespaces/held_dir.hpp"

namespace skiff::ns {
namespace {

SysResult<sockaddr_un> address_of(const std::string& path, const std::string& shown) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return sys_fail("socket path too long", shown, ENAMETOOLONG);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

SysResult<UniqueFd> new_socket(const std::string& shown) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return sys_fail("socket", shown);
    return fd;
}

// Binds and listens at `path`, where no file may be left.
SysResult<UniqueFd> bind_and_listen(const std::string& path, const std::string& shown) {
    auto address = address_of(path, shown);
    if (!address) return Unexpected(address.error());
    auto fd = new_socket(shown);
    if (!fd) return fd;
    if (::bind(fd->get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) return sys_fail("bind", shown);
    if (::listen(fd->get(), 64) != 0) return sys_fail("listen", shown);
    return fd;
}

SysResult<UniqueFd> connect_to(const std::string& path, const std::string& shown) {
    auto address = address_of(path, shown);
    if (!address) return Unexpected(address.error());
    auto fd = new_socket(shown);
    if (!fd) return fd;
    if (::connect(fd->get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0)
        return sys_fail("connect", shown);
    return fd;
}

}  // namespace

SysResult<UniqueFd> connect_unix(const std::string& path) { return connect_to(path, path); }

SysResult<UniqueFd> listen_unix_at(int directory, const std::string& name, const std::string& shown) {
    if (::unlinkat(directory, name.c_str(), 0) != 0 && errno != ENOENT) return sys_fail("unlink", shown);
    return bind_and_listen(path_through(directory) + "/" + name, shown);
}

SysResult<UniqueFd> connect_unix_at(int directory, const std::string& name, const std::string& shown) {
    return connect_to(path_through(directory) + "/" + name, shown);
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
