#include "launcher/run/server_ready.hpp"

#include <poll.h>

#include <fstream>
#include <sstream>

namespace skiff::run {
namespace {

constexpr int poll_ms = 20;
constexpr std::size_t tail_bytes = 600;

}  // namespace

Readiness wait_until_ready(const std::function<bool()>& ready, int alive_fd, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) return Readiness::ready;
        pollfd pfd{alive_fd, POLLIN, 0};
        if (::poll(&pfd, 1, poll_ms) > 0) return ready() ? Readiness::ready : Readiness::exited;
    }
    return ready() ? Readiness::ready : Readiness::timed_out;
}

std::string log_tail(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string log = text.str();
    if (log.size() > tail_bytes) log = log.substr(log.size() - tail_bytes);
    while (!log.empty() && log.back() == '\n') log.pop_back();
    for (auto& c : log)
        if (c == '\n') c = ' ';
    return log;
}

}  // namespace skiff::run
