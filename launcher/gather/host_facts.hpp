// Reads who runs skiff (ids, names, home) and the environment, once, at the edge.
#pragma once

#include "common/env_map.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

// env: the process environment, env_from_envp(envp), read once by the caller.
plan::HostFacts read_host_facts(EnvMap env);

}  // namespace skiff::gather
