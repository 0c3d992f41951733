// `skiff run` options, parsed from a descriptor table (style.md rule 14).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::cli {

struct RunOptions {
    std::optional<std::string> environment;  // -e/--environment NAME|PATH
    std::optional<std::string> image;
    std::vector<std::string> mounts;         // SRC[:DST[:FLAGS]]
    std::vector<std::string> env;            // K=V
    std::vector<std::string> annotations;    // K=V
    std::optional<std::string> workdir;
    std::optional<bool> writable;
    std::optional<bool> entrypoint;
    bool root = false;
    bool dry_run = false;
    bool cold = false;
    bool verbose = false;
    bool help = false;
    std::vector<std::string> command;
};

// Parses the words after "run". Options end at "--" or at the first word that is not one.
Result<RunOptions> parse_run_options(const std::vector<std::string>& words);

std::string run_usage();

}  // namespace skiff::cli
