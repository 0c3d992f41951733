// The text `skiff run --dry-run` prints: one line per decision, stable for golden files.
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::plan {

std::string render(const LaunchPlan& plan);

}  // namespace skiff::plan
