// The container holder's state file (holder.hpp): what a task of a Slurm step needs to join the
// container. The holder writes it; the Slurm plugin (launcher/spank) reads it inside
// slurmstepd, so it is parsed as hostile bytes: every length and count is bounded.
//
// Format: "PID\0WORKDIR\0NAME=VALUE\0NAME=VALUE\0...", every field ended by a NUL.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff::run {

struct HolderState {
    pid_t holder = -1;             // the holder process, whose namespaces the tasks join
    std::string workdir;           // absolute, in the container
    std::vector<std::string> env;  // the container's environment, NAME=VALUE
};

// The bounds, in bytes: the file; one field (the kernel's MAX_ARG_STRLEN, so any environment
// an execve accepts fits); the workdir (PATH_MAX); and the number of variables.
inline constexpr std::size_t holder_state_limit = 4 << 20;
inline constexpr std::size_t holder_field_limit = 128 << 10;
inline constexpr std::size_t holder_workdir_limit = 4096;
inline constexpr std::size_t holder_env_limit = 65536;

// A holder with a save to do (save_on_request.hpp) listens on this socket next to the state
// file. The plugin sends "S" and '0' (every task of the node exited with 0) or '1', and reads
// one byte ('0': the image was written, '1': the save failed, '2': it was not asked for because
// a task failed) and then what the save printed, at most holder_save_reply_limit bytes.
inline constexpr const char* holder_save_socket = "save.sock";
inline constexpr std::size_t holder_save_reply_limit = 64 << 10;

// Errors say what is wrong with the bytes ("more than 65536 variables"); callers name the file.

// The file's bytes; an error if the reader would refuse them (past a bound).
Result<std::string> format_holder_state(pid_t holder, const std::string& workdir, const EnvMap& env);

Result<HolderState> parse_holder_state(std::string_view bytes);

// Reads `file` (not through a symlink, at most holder_state_limit bytes) and parses it.
Result<HolderState> read_holder_state(const std::string& file);

}  // namespace skiff::run
