#include "launcher/plan/identity_files.hpp"

#include <sstream>
#include <string_view>

namespace skiff::plan {
namespace {

// True if `content` (colon-separated lines) has a line whose field `index` equals `value`.
// Views, not an istringstream: the first stream of a process initialises the C++ locale,
// about 40k instructions on every launch.
bool has_entry(std::string_view content, std::size_t index, std::string_view value) {
    std::size_t next = 0;
    while (next < content.size()) {
        std::size_t end = content.find('\n', next);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = content.substr(next, end - next);
        next = end + 1;
        std::size_t start = 0;
        for (std::size_t i = 0; i < index && start != std::string_view::npos; ++i) {
            start = line.find(':', start);
            if (start != std::string_view::npos) ++start;
        }
        if (start == std::string_view::npos) continue;
        if (line.substr(start, line.find(':', start) - start) == value) return true;
    }
    return false;
}

std::string with_newline(std::string content) {
    if (!content.empty() && content.back() != '\n') content += '\n';
    return content;
}

}  // namespace

std::string passwd_content(const PlanRequest& request) {
    std::string content = with_newline(request.image_facts.passwd.value_or(""));
    auto uid = std::to_string(request.map_root ? 0 : request.host.uid);
    auto gid = std::to_string(request.map_root ? 0 : request.host.gid);
    if (!has_entry(content, 2, uid)) {
        std::string name = request.map_root ? "root" : request.host.user;
        // /bin/sh: the host's login shell may not exist in the image.
        content += name + ":x:" + uid + ":" + gid + "::" + request.host.home + ":/bin/sh\n";
    }
    return content;
}

namespace {

// Without the `tty` group: sshd chowns a session's PTY to it, and the namespace cannot map
// it (hooks.md §3.6); without it sshd uses the user's own group.
std::string without_tty_group(const std::string& content) {
    std::istringstream lines(content);
    std::string line, out;
    while (std::getline(lines, line))
        if (!line.starts_with("tty:")) out += line + "\n";
    return out;
}

}  // namespace

std::string group_content(const PlanRequest& request, bool without_tty) {
    std::string content = with_newline(request.image_facts.group.value_or(""));
    if (without_tty) content = without_tty_group(content);
    auto gid = std::to_string(request.map_root ? 0 : request.host.gid);
    if (!has_entry(content, 2, gid)) {
        std::string name = request.map_root ? "root" : request.host.group;
        content += name + ":x:" + gid + ":\n";
    }
    return content;
}

}  // namespace skiff::plan
