#include "tests/support/free_port.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace skiff::test {
namespace {

constexpr int lowest_port = 10000;

int first_ephemeral_port() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int first = 0;
    in >> first;
    if (first <= lowest_port + 1000)
        throw std::runtime_error("the ephemeral port range starts at " + std::to_string(first) + ": no room below it");
    return first;
}

bool can_bind(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

int free_tcp_port() {
    static std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> pick(lowest_port, first_ephemeral_port() - 1);
    for (int attempt = 0; attempt < 100; ++attempt)
        if (int port = pick(random); can_bind(port)) return port;
    throw std::runtime_error("no free TCP port below the ephemeral range after 100 tries");
}

}  // namespace skiff::test
