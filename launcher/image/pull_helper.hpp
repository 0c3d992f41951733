// Finding and running skiff-pull (launcher/pull), which does pulls and imports so that the
// skiff binary links none of their libraries. It is looked for next to this binary (the build
// tree), then in ../libexec/skiff/ (an installation: bin/skiff, libexec/skiff/skiff-pull).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::image {

Result<std::string> find_pull_helper();

// Replaces this process with skiff-pull ARGS; returns only on failure.
Error exec_pull_helper(const std::vector<std::string>& args);

// Runs skiff-pull ARGS with our stderr (its progress goes to the user) and returns the last
// line it printed on stdout (the image file). Failure: it has printed its error line already,
// and the Error's message is empty (report() then prints nothing more).
Result<std::string> run_pull_helper(const std::vector<std::string>& args);

}  // namespace skiff::image
