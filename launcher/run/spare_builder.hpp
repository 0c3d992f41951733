// The builder of a plan's spares (namespaces/spare_pool.hpp), off the launches' path: a
// detached process (double fork: never a child of the user's command), started by the first
// launch of the plan, that registers with the image server under `key` and builds spares when
// the server asks, each by a child that runs the launch's own steps up to the pivot
// (execute.hpp, build_spare). It ends when the server lets it go (the key unused for the
// spares' lifetime, or the server retired or died).
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

// Returns at once; the builder runs at low priority.
void start_spare_builder(const plan::LaunchPlan& plan, const std::string& key);

}  // namespace skiff::run
