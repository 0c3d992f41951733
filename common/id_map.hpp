// The single-ID map of a container's user namespace: the invoking user's uid/gid appear as
// `inside_uid`/`inside_gid` (their own ids, or 0 with --root). The planner decides it;
// namespaces/user_namespace.hpp writes it.
#pragma once

#include <sys/types.h>

namespace skiff {

struct IdMap {
    uid_t outside_uid = 0;
    gid_t outside_gid = 0;
    uid_t inside_uid = 0;
    gid_t inside_gid = 0;
};

}  // namespace skiff
