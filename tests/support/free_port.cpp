#include "tests/support/free_port.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

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

// Whether `call` (bind or connect) succeeds for a fresh TCP socket and `host`:`port`.
template <class Call>
bool try_address(std::uint32_t host, int port, Call call) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(host);
    bool ok = call(fd, reinterpret_cast<sockaddr*>(&address), socklen_t{sizeof address}) == 0;
    ::close(fd);
    return ok;
}

bool can_bind(int port) { return try_address(INADDR_ANY, port, ::bind); }

}  // namespace

int free_tcp_port() {
    static std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> pick(lowest_port, first_ephemeral_port() - 1);
    for (int attempt = 0; attempt < 100; ++attempt)
        if (int port = pick(random); can_bind(port)) return port;
    throw std::runtime_error("no free TCP port below the ephemeral range after 100 tries");
}

bool port_accepts(int port) { return try_address(INADDR_LOOPBACK, port, ::connect); }

bool port_closes(int port, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (port_accepts(port)) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

}  // namespace skiff::test
