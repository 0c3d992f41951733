#include "tests/support/host.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

namespace skiff::test {
namespace {

std::optional<std::string> env_value(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

// mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)).
std::string unescape_octal(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool octal = s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' &&
                     s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7';
        if (!octal) {
            out.push_back(s[i]);
            continue;
        }
        int value = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
        out.push_back(static_cast<char>(value));
        i += 3;
    }
    return out;
}

bool is_at_or_below(const std::string& path, const std::string& prefix) {
    std::string p = prefix;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (path == p) return true;
    if (p == "/") return true;
    return path.size() > p.size() && path.compare(0, p.size(), p) == 0 && path[p.size()] == '/';
}

}  // namespace

std::string skiff_binary() {
    if (auto v = env_value("SKIFF_BINARY")) return *v;
#ifdef SKIFF_BINARY
    return SKIFF_BINARY;
#else
    return "skiff";
#endif
}

std::optional<std::string> test_images_dir() { return env_value("SKIFF_TEST_IMAGES"); }

std::optional<std::string> test_image(const std::string& name) {
    auto dir = test_images_dir();
    if (!dir) return std::nullopt;
    std::string path = *dir + "/" + name;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    return path;
}

bool tests_must_run() { return env_value("SKIFF_TESTS_MUST_RUN") == std::optional<std::string>("1"); }

bool running_as_root() { return ::geteuid() == 0; }

std::vector<std::string> mounts_under(const std::string& prefix) {
    // Fields: id parent major:minor root mount-point options ... (proc(5))
    std::ifstream in("/proc/self/mountinfo");
    std::vector<std::string> found;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, dev, root, mount_point;
        if (!(fields >> id >> parent >> dev >> root >> mount_point)) continue;
        std::string mp = unescape_octal(mount_point);
        if (is_at_or_below(mp, prefix)) found.push_back(mp);
    }
    return found;
}

bool no_process_within(const std::string& needle, std::chrono::milliseconds grace) {
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (!processes_with_cmdline_containing(needle).empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::vector<pid_t> processes_where(const std::function<bool(pid_t)>& matches) {
    std::vector<pid_t> found;
    std::error_code ec;
    const pid_t self = ::getpid();
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const auto pid = static_cast<pid_t>(std::stol(name));
        if (pid != self && matches(pid)) found.push_back(pid);
    }
    return found;
}

bool holds_descriptor(pid_t pid, const std::function<bool(const std::string&)>& matches) {
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        std::error_code gone;
        std::string target = std::filesystem::read_symlink(fd.path(), gone).string();
        if (!gone && matches(target)) return true;
    }
    return false;
}

// A process that exits between the open and the read of its /proc file makes read(2) fail
// with ESRCH, and istreambuf_iterator lets libstdc++'s exception for that through; here the
// process reads as gone (empty).
std::string proc_file(pid_t pid, const std::string& name) {
    const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    std::string content;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) content.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return n < 0 ? std::string() : content;
}

std::string cmdline_of(pid_t pid) {
    std::string cmdline = proc_file(pid, "cmdline");
    while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    for (char& c : cmdline) {
        if (c == '\0') c = ' ';
    }
    return cmdline;
}

std::vector<pid_t> processes_with_cmdline_containing(const std::string& needle) {
    return processes_where([&](pid_t pid) { return cmdline_of(pid).find(needle) != std::string::npos; });
}

}  // namespace skiff::test
