// The container environment, layered as edf.md §8 says: host < image < hooks < EDF [env],
// with the node's Slurm task variables re-applied on top.
#pragma once

#include <set>
#include <string>

#include "common/error.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::plan {

inline constexpr const char* default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Layers 1-2: the host environment without PATH, LD_*, GCONV_PATH, GETCONF_DIR and LOCPATH
// (environment_layers.cpp says why), then the image's.
EnvMap base_environment(const EnvMap& host, const ImageFacts& image);

// All layers; [env] values are expanded against layers 1-2.
Result<EnvMap> container_environment(const PlanRequest& request);

// The names of layers 4-5, which external hooks cannot change: every [env] name (set or unset)
// and the task's Slurm variables.
std::set<std::string> names_above_hooks(const PlanRequest& request);

}  // namespace skiff::plan
