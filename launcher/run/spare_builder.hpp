// Refilling the image server's spares (namespaces/spare_pool.hpp) off the launch's path: a
// detached process (double fork: never a child of the user's command) builds `count` spares of
// the launch's plan, each by a child that runs the launch's own steps up to the pivot
// (execute.hpp, build_spare), and offers their namespaces to the server under `key`.
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

// Returns at once; the builder runs at low priority and ends when the spares are offered.
void start_spare_builder(const plan::LaunchPlan& plan, const std::string& key, int count);

}  // namespace skiff::run
