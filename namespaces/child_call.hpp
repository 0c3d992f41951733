// Runs a function in a short-lived child process and returns the bytes it produced, so that a
// bug in a parser of hostile bytes (an image's metadata, read before any namespace exists)
// costs the caller an error line instead of its process. The child is a plain fork of the
// caller: the same user with no privileges to drop, and no threads to lose (the launcher is
// single-threaded until exec, style.md rule 10).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/sys_error.hpp"

namespace skiff::ns {

struct ChildOutput {
    std::string bytes;  // what `work` returned, if the child lived to send it
    int signal = 0;     // the signal that killed the child, or 0
};

// At most `limit` bytes come back; a child that sends more is killed.
SysResult<ChildOutput> call_in_child(const std::function<std::string()>& work, std::size_t limit);

}  // namespace skiff::ns
