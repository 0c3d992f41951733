// --overlay DIR: the container's writable layer on disk, kept for the next launch with the
// same DIR. Its layout:
//
//   DIR/upper, DIR/work  overlayfs's upper and work directories (the kernel's or fuse-overlayfs's)
//   DIR/image            the image record (overlay_record.hpp), replaced whole, never half written
//   DIR/lock             flock(LOCK_EX) while a container uses DIR, its text the holder's pid for
//                        the next launch's error. Never removed: a launch that removed a lock
//                        file someone else was about to lock would let two containers in.
//
// The launch that runs a plan claims the plan's DIR (cli/run_command.cpp), a recalled plan as
// much as a new one, so --dry-run claims nothing. The lock's descriptor is close-on-exec until
// the final exec (launcher/run/launch.cpp), where the command alone inherits it: the lock is
// held as long as the command or a process that inherited it from the command runs, and with
// the kernel's overlay that is as long as the mount can be written. A Slurm step's container
// holder keeps it in its own process; tasks join the holder and take no lock.
#pragma once

#include "common/error.hpp"
#include "launcher/gather/gather.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::gather {

struct OverlayClaim {
    bool force = false;            // --force: rewrite another image's record
    bool temporary_image = false;  // a registry image in a temporary file (KeptOpen::image)
};

// Creates DIR (0700) if missing, and refuses one that is not the user's, that others may
// write, or that holds something else (neither empty nor with an image record). Then takes
// the lock into `kept.overlay_lock`, checks or writes the image record, creates DIR/upper
// and DIR/work, and fills in `plan.overlay_dir`'s lock_fd and fresh. Every error is one line
// that names DIR and what to do.
Result<void> claim_overlay_dir(plan::LaunchPlan& plan, const OverlayClaim& claim, KeptOpen& kept);

}  // namespace skiff::gather
