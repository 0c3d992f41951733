// The client side of the warm path: a detached clone of the image's mount from the user's
// image server (namespaces/image_server.hpp), starting the server when there is none. Any
// failure means a cold start; the note says which happened and why (shown by -v).
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"
#include "namespaces/unique_fd.hpp"

namespace skiff::run {

struct WarmImage {
    ns::UniqueFd tree;  // invalid: start cold
    std::string note;
};

// Call before entering the user namespace: the server checks the caller's uid as the host
// sees it.
WarmImage warm_image(const plan::LaunchPlan& plan);

}  // namespace skiff::run
