// /etc/passwd and /etc/group for the container: the image's own entries plus one for the user,
// so `id`, `whoami` and `ls -l` show names.
#pragma once

#include <string>

#include "launcher/plan/planner.hpp"

namespace skiff::plan {

std::string passwd_content(const PlanRequest& request);
std::string group_content(const PlanRequest& request, bool without_tty);

}  // namespace skiff::plan
