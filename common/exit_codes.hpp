// skiff's own exit codes (README "Exit codes"); any other status is the command's own, and
// 128+N when signal N killed it.
#pragma once

namespace skiff::exit_code {

inline constexpr int setup_failed = 125;    // skiff failed before the command started
inline constexpr int not_executable = 126;  // the command exists but cannot be executed
inline constexpr int not_found = 127;       // the command does not exist in the container
inline constexpr int signal_base = 128;     // 128+N: the command was killed by signal N

}  // namespace skiff::exit_code
