// User and mount namespace entry with a single-ID map: the invoking user's uid/gid appear as
// `inside_uid`/`inside_gid` (their own ids, or 0 with --root). No newuidmap, no setuid helper.
#pragma once

#include "common/id_map.hpp"
#include "common/sys_error.hpp"

namespace skiff::ns {

// unshare(CLONE_NEWUSER | CLONE_NEWNS), then setgroups=deny and the two one-line maps.
// The process must be single-threaded (the kernel refuses CLONE_NEWUSER otherwise).
SysResult<void> enter_user_and_mount_namespace(const IdMap& ids);

}  // namespace skiff::ns
