// Waiting for a supervised server (namespaces/supervised_server.hpp) to become ready, and the
// end of its log for the error when it does not.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace skiff::run {

enum class Readiness { ready, exited, timed_out };

// Polls `ready` until it holds, the server exits (`alive_fd` reaches end of file), or `timeout`
// passes.
Readiness wait_until_ready(const std::function<bool()>& ready, int alive_fd, std::chrono::milliseconds timeout);

// The last bytes of the file at `path` on one line; "" when it is missing or empty.
std::string log_tail(const std::string& path);

}  // namespace skiff::run
