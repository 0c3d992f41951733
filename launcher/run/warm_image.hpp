// The client side of the warm path: pre-built namespaces for the plan (a spare) or a detached
// clone of the image's mount from the user's image server (namespaces/image_server/image_server.hpp),
// starting the server when there is none. Any failure means a cold start; the note says which
// path was taken and why (shown by -v).
#pragma once

#include <optional>
#include <string>

#include "launcher/plan/launch_plan.hpp"
#include "launcher/run/spare_key.hpp"
#include "namespaces/image_server/spare_namespaces.hpp"
#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::run {

struct WarmImage {
    std::optional<ns::SpareNamespaces> spare;  // the container, ready: join it and exec
    UniqueFd tree;                         // else the image's mount; neither: start cold
    bool start_builder = false;                // the plan has no spare builder: start one
    std::string note;
    std::string warning;                       // said even without -v
    std::string server;                        // when building a spare: the server's token
};

// Call before entering the user namespace: the server checks the caller's uid as the host
// sees it. Without a key in `spares`, only a clone is asked for.
WarmImage warm_image(const plan::LaunchPlan& plan, const SpareChoice& spares);

// A connection to the image server of a warm plan (none is started); EPERM: it is not the
// user's (ns::connect_image_server).
SysResult<UniqueFd> connect_server(const plan::LaunchPlan& plan);

}  // namespace skiff::run
