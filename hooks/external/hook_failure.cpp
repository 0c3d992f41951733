#include "hooks/external/hook_failure.hpp"

#include <cstring>
#include <vector>

#include "common/split.hpp"

namespace skiff::hooks::external {
namespace {

constexpr std::size_t max_line = 200;

std::string printable(std::string_view line) {
    std::size_t first = line.find_first_not_of(" \t\r");
    std::size_t last = line.find_last_not_of(" \t\r");
    std::string out;
    for (char c : line.substr(first, last - first + 1)) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    if (out.size() > max_line) out = out.substr(0, max_line) + "...";
    return out;
}

std::string what_happened(const HookOutcome& outcome, int timeout_s) {
    if (outcome.timed_out) return "did not finish within " + std::to_string(timeout_s) + " s ([hooks.external] timeout_s)";
    if (outcome.signal != 0)
        return "was killed by signal " + std::to_string(outcome.signal) + " (" + ::strsignal(outcome.signal) + ")";
    return "exited with status " + std::to_string(outcome.status);
}

}  // namespace

std::string last_lines(std::string_view text, std::size_t count) {
    std::vector<std::string> lines;
    for (std::string_view line : split(text, '\n'))
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back(printable(line));
    std::string out;
    for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        out += (out.empty() ? "" : " | ") + lines[i];
    return out;
}

std::string failure_message(const std::string& path, const HookOutcome& outcome, int timeout_s,
                            std::string_view stderr_tail) {
    std::string tail = last_lines(stderr_tail, 3);
    return "hook " + path + " " + what_happened(outcome, timeout_s) +
           (tail.empty() ? "; it wrote nothing to stderr" : "; stderr ends: " + tail);
}

}  // namespace skiff::hooks::external
