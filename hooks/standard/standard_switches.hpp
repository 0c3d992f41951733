// The switches of the standard hooks, [hooks.standard] of the site configuration
// (standard_hooks.hpp). Read once per launch and shared by the four hooks (hook.hpp, SharedFacts).
#pragma once

#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks::standard {

struct Switches {
    bool passwd = true;
    bool localtime = true;
    bool home = false;
    bool shm = true;
};

// nullptr or no table: the defaults above.
Result<Switches> read_switches(const site::SiteConfig* site);

}  // namespace skiff::hooks::standard
