// SysError: a failed system call, captured at the call site with errno, the operation and the
// path it was applied to (style.md rule 5). Formatting happens once, at the edge.
#pragma once

#include <cerrno>
#include <string>

#include "common/error.hpp"
#include "common/expected.hpp"

namespace skiff {

struct SysError {
    int code = 0;      // errno; 0: a failure that no system call reported, described by `op`
    std::string op;    // "mount", "openat2", ...
    std::string path;  // the path or object the call was about; may be empty

    // "<op> '<path>': <strerror>" ("<op> '<path>'" when code is 0)
    std::string describe() const;
    // A hint for known traps (userns sysctl, /dev/fuse mode, locked flags, ENOSPC), or "".
    std::string hint() const;
    // The one-line user error: "<context>: <describe()>[; <hint>]".
    Error to_error(const std::string& context) const;
};

template <class T>
using SysResult = Expected<T, SysError>;

inline Unexpected<SysError> sys_fail(std::string op, std::string path = {}, int code = errno) {
    return Unexpected(SysError{code, std::move(op), std::move(path)});
}

}  // namespace skiff
