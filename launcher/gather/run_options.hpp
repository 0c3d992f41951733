// What `skiff run` was asked to do, as its options say (parsed in launcher/cli/run_options.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace skiff::gather {

// A new option that can change a plan joins the plan memory's key (plan_memory_inputs.cpp,
// put_options).
struct RunOptions {
    std::optional<std::string> environment;  // -e/--environment NAME|PATH
    std::optional<std::string> image;
    std::vector<std::string> mounts;         // SRC[:DST[:FLAGS]]
    std::vector<std::string> devices;        // CDI names and /dev paths
    std::vector<std::string> env;            // K=V
    std::vector<std::string> annotations;    // K=V
    std::optional<std::string> workdir;
    std::optional<bool> writable;
    std::optional<bool> entrypoint;
    std::optional<std::string> overlay_dir;  // --overlay DIR: a writable layer on disk (gather/overlay_dir.hpp)
    bool force = false;                      // --force: use an --overlay DIR made for another image
    std::optional<std::string> save;         // --save FILE
    bool save_always = false;
    bool root = false;
    bool dry_run = false;
    bool cold = false;
    bool verbose = false;
    bool help = false;
    std::vector<std::string> command;
};

}  // namespace skiff::gather
