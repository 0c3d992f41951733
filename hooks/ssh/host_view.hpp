// The host's files as the SSH hook's discovery sees them. Every path is a host path, looked up
// under `root` ("" on a real launch; a tree in a temporary directory in the unit tests). Every
// read is bounded, and nothing is ever run: the files are the host's, but a config file is
// still treated as hostile input (size limits, no FIFOs, no symlink games matter here).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace skiff::hooks::ssh {

struct ConfigText {
    enum class State { ok, absent, unreadable, not_regular, too_large };
    State state = State::absent;
    std::string text;  // State::ok only
    std::string why;   // strerror text for unreadable
};

class HostView {
public:
    explicit HostView(std::string root = "") : root_(std::move(root)) {}

    // The path to open for host path `path`.
    std::string real(const std::string& path) const { return root_ + path; }
    // A regular file that this user may execute.
    bool is_program(const std::string& path) const;
    // A regular file whose bytes are at most `limit`; opened without following a final
    // symlink's FIFO and without blocking.
    ConfigText read_config(const std::string& path, std::size_t limit) const;
    // Host paths matching the glob `pattern`, sorted; at most `limit` (more: the first `limit`).
    std::vector<std::string> glob(const std::string& pattern, std::size_t limit) const;

private:
    std::string root_;
};

}  // namespace skiff::hooks::ssh
