// The builder of a plan's spares (namespaces/image_server/spare_pool.hpp), off the launches' path: a
// detached process (double fork: never a child of the user's command), started by the first
// launch of the plan, that registers with the image server under `key` and builds spares when
// the server asks, each by a child that runs the launch's own steps up to the pivot
// (launch.hpp, build_spare). It starts serving only once that launch has executed its
// command, and ends when the server lets it go (the key unused for the spares' lifetime, or
// the server retired or died). It shows in ps as `skiff __spare-builder IMAGE`.
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"
#include "common/unique_fd.hpp"

namespace skiff::run {

// Returns at once with the launch's end of the builder's go pipe (close-on-exec; invalid if
// no builder could be forked). The builder waits in the host's namespaces until that end is
// closed and serves the plan only if the launch wrote "G" (spare_builder_go) and nothing
// after: a launch that fails before or at its execve starts no spares. One that did not say
// "G" hands the key back to the server, so that the next launch of the plan starts a builder.
UniqueFd start_spare_builder(const plan::LaunchPlan& plan, const std::string& key);

// Just before the launch's execve ...
void spare_builder_go(int go_fd);
// ... and if that execve failed.
void spare_builder_stop(int go_fd);

}  // namespace skiff::run
