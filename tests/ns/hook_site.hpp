// A site for hook tests: a site configuration (passed as SKIFF_CONFIG) whose [hooks.external]
// directories are fresh temporary directories, and helpers to write hook scripts into them.
#pragma once

#include <sys/stat.h>

#include <string>

#include "tests/support/support.hpp"

namespace skiff::test {

class HookSite {
public:
    HookSite() : dir_("hooks") {
        ::mkdir(system_dir().c_str(), 0755);
        ::mkdir(user_dir().c_str(), 0755);
    }

    std::string system_dir() const { return dir_ / "system"; }
    std::string user_dir() const { return dir_ / "user"; }
    const TempDir& dir() const { return dir_; }

    // Writes an executable (or, with mode, any) script into "system" or "user".
    std::string hook(const std::string& where, const std::string& name, const std::string& body,
                     mode_t mode = 0755) const {
        auto path = dir_.write_file(where + "/" + name, "#!/bin/sh\n" + body);
        ::chmod(path.c_str(), mode);
        return path;
    }

    // The environment to run skiff with: ours plus SKIFF_CONFIG naming a configuration with
    // these directories and `extra` TOML after the [hooks.external] keys.
    RunOptions options(const std::string& extra = "") const {
        auto config = dir_.write_file("skiff.toml", "[hooks.external]\nsystem_dir = \"" + system_dir() +
                                                        "\"\nuser_dir = \"" + user_dir() + "\"\n" + extra);
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_CONFIG"] = config;
        return run;
    }

private:
    TempDir dir_;
};

}  // namespace skiff::test
