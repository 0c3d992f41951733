// TCP ports for servers that the tests start (sshd, registries).
#pragma once

namespace skiff::test {

// A TCP port that nothing is bound to, chosen at random below the kernel's ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range). A port from bind(0) lies inside that range, where
// any outgoing connection of a test running in parallel may take it before the server binds.
int free_tcp_port();

}  // namespace skiff::test
