// `skiff run` options, parsed from a descriptor table (style.md rule 14).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/gather/run_options.hpp"

namespace skiff::cli {

using RunOptions = gather::RunOptions;


// Parses the words after "run". Options end at "--" or at the first word that is not one.
Result<RunOptions> parse_run_options(const std::vector<std::string>& words);

std::string run_usage();

}  // namespace skiff::cli
