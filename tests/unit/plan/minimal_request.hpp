// The smallest request the planner accepts: a squashfs image from the command line, alice's
// ids, and `true` as the command. Tests of one planner decision add what they need to it.
#pragma once

#include "launcher/plan/planner.hpp"

namespace skiff::test {

inline plan::PlanRequest minimal_request() {
    plan::PlanRequest r;
    r.environment.image = edf::Sourced<std::string>{"/store/app.sqsh", {"command line", 0}};
    r.image.path = "/store/app.sqsh";
    r.host = {1000, 100, "alice", "users", "/home/alice", "/bin/bash", {{"PATH", "/host/bin"}}};
    r.command = {"true"};
    return r;
}

}  // namespace skiff::test
