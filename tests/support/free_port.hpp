// TCP ports for servers that the tests start (sshd, registries).
#pragma once

#include <chrono>

namespace skiff::test {

// A TCP port that nothing is bound to, chosen at random below the kernel's ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range). A port from bind(0) lies inside that range, where
// any outgoing connection of a test running in parallel may take it before the server binds.
int free_tcp_port();

// Whether a server accepts connections on 127.0.0.1:`port`.
bool port_accepts(int port);

// Whether 127.0.0.1:`port` stops accepting within `within` (a server that should be gone).
bool port_closes(int port, std::chrono::milliseconds within);

}  // namespace skiff::test
