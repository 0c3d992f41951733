// Reads who runs skiff (ids, names, home) and the environment, once, at the edge.
#pragma once

#include "launcher/plan/planner.hpp"

namespace skiff::cli {

plan::HostFacts read_host_facts(char* const* envp);

}  // namespace skiff::cli
