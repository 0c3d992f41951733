// A runtime directory and a home of the test's own, so that a test can see everything one
// launch left behind: files (runtime directory, facts, image store, blob cache) and processes
// (servers and spare builders name the runtime directory in their command lines).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/support.hpp"

namespace skiff::test {

class FreshDirs {
public:
    // Our environment, with XDG_RUNTIME_DIR and HOME here, and no other place skiff may write to.
    RunOptions options() const {
        RunOptions o;
        o.env = current_environment();
        (*o.env)["XDG_RUNTIME_DIR"] = runtime_.path();
        (*o.env)["HOME"] = home_.path();
        for (const char* name : {"XDG_CACHE_HOME", "SCRATCH", "EDF_IMAGESTORE", "SKIFF_WARM_SPARES"}) o.env->erase(name);
        return o;
    }

    // Every path below the two directories, and every process that names the runtime
    // directory; empty when the launch left nothing. A server on its way out gets a second.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> found;
        if (!no_process_within(runtime_.path(), std::chrono::seconds(1))) {
            for (pid_t pid : processes_with_cmdline_containing(runtime_.path()))
                found.push_back("process " + std::to_string(pid));
        }
        for (const TempDir* dir : {&runtime_, &home_}) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(dir->path()))
                found.push_back(entry.path().string());
        }
        return found;
    }

    const TempDir& runtime() const { return runtime_; }

private:
    TempDir runtime_{"xdg"};
    TempDir home_{"home"};
};

}  // namespace skiff::test
