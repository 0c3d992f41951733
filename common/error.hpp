// Error: one user-facing line, "<where>: <what>; <what to do>", without the "skiff: error: "
// prefix, which only main() and the SPANK shims add (style.md rule 8).
#pragma once

#include <string>
#include <utility>

#include "common/expected.hpp"

namespace skiff {

struct Error {
    std::string message;
};

template <class T>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(std::string message) { return Unexpected(Error{std::move(message)}); }

}  // namespace skiff
