// A LaunchPlan as netstrings (netstrings.hpp), for the plan memory (plan_memory.hpp). The
// bytes come from a file in the user's runtime directory and are read as hostile: every
// length is bounded by what is left, every number and enum checked against its range.
//
// Not stored: the descriptors a launch holds (serving.server_directory_fd, and the
// /proc/self/fd path of serving.read_profiles), which the recalling launch fills in from the
// directories it opened itself; the SSH server and the MPS daemon, whose launches are never
// remembered (plan_memory_inputs.hpp).
#pragma once

#include <optional>
#include <string>

#include "launcher/gather/netstrings.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::gather {

void put_plan(std::string& out, const plan::LaunchPlan& plan);

// nullopt: not a plan this version of skiff wrote. `has_read_profiles`: the plan named the
// read-profile directory (to be filled in).
std::optional<plan::LaunchPlan> take_plan(NetstringReader& in, bool& has_read_profiles);

}  // namespace skiff::gather
