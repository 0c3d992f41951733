// Diagnostics: warnings and errors collected while loading input, so that `skiff edf check`
// can report every problem at once and the launcher can stop at the first error.
#pragma once

#include <string>
#include <vector>

namespace skiff {

struct Diagnostics {
    std::vector<std::string> warnings;  // each a full line without the "skiff: warning: " prefix
    std::vector<std::string> errors;    // each a full line without the "skiff: error: " prefix

    void warn(std::string line) { warnings.push_back(std::move(line)); }
    void error(std::string line) { errors.push_back(std::move(line)); }
    bool ok() const { return errors.empty(); }
};

}  // namespace skiff
