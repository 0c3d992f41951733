// The container environment, layered as edf.md §8 says: host < image < hooks < EDF [env],
// with the task's variables (common/task_variables.hpp) on top of them all.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::plan {

inline constexpr const char* default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Layers 1-2: the host environment without PATH, LD_*, GCONV_PATH, GETCONF_DIR, LOCPATH
// (environment_layers.cpp says why) and OCI_ANNOTATION_* (ignored, edf.md §9), then the image's.
EnvMap base_environment(const EnvMap& host, const ImageFacts& image);

// All layers; [env] values are expanded against layers 1-2. A task variable the task sets
// (common/task_variables.hpp) keeps the task's value, whatever [env] says.
Result<EnvMap> container_environment(const PlanRequest& request);

// One warning per [env] or --env name that container_environment() ignores because the task
// sets it, naming where it was set: "FILE:LINE: ignoring PMIX_RANK: the task sets it, ...".
std::vector<std::string> task_variable_warnings(const edf::Environment& environment, const EnvMap& host);

// The names of layers 4-5, which external hooks cannot change: every [env] name (set or unset)
// and the task's Slurm variables.
std::set<std::string> names_above_hooks(const PlanRequest& request);

}  // namespace skiff::plan
