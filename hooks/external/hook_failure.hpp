// The one line that says why an external hook stopped the launch (hooks.md §7):
//   hook /etc/skiff/hooks.d/50-dcgm.sh exited with status 3; stderr ends: a | b | c
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skiff::hooks::external {

struct HookOutcome {
    int status = 0;  // exit code, or 128+N for signal N
    int signal = 0;
    bool timed_out = false;
};

inline bool succeeded(const HookOutcome& o) { return o.status == 0 && o.signal == 0 && !o.timed_out; }

// The last `count` non-blank lines of `text`, trimmed, each cut to 200 bytes, joined by " | ".
std::string last_lines(std::string_view text, std::size_t count);

std::string failure_message(const std::string& path, const HookOutcome& outcome, int timeout_s,
                            std::string_view stderr_tail);

}  // namespace skiff::hooks::external
